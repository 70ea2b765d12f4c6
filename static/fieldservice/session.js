// What a phone keeps of a session ends with it (issue 26). The technician app's service worker
// keeps pages (customers' names, addresses, phones) and the IndexedDB outbox keeps actions not
// yet sent (outbox.js). Logging out empties both, after asking if actions are still waiting:
// cancelling keeps the session and the actions. Every signed-out page (the login page after
// logout, or after a session ran out) drops the kept pages too, in case logging out could
// not: the outbox stays there, so work queued before a session ran out is not lost. Entries
// belong to the user who made them (outbox.js): logging out counts and deletes only the
// signed-in user's, and what another user left waits for them.
(function () {
  "use strict";
  const OUTBOX = "fieldservice-outbox";
  const STORES = ["actions", "conflicts"];

  // Every cache of the app but its static files (scripts, styles, the offline notice).
  function dropCaches() {
    if (!("caches" in window)) return Promise.resolve();
    return caches.keys().then((keys) => Promise.all(keys.filter(
      (key) => key.startsWith("fieldservice-") && !key.includes("-static-"),
    ).map((key) => caches.delete(key))));
  }

  // The outbox's database, or null when this browser has none (it is not created here).
  function outbox() {
    return new Promise((resolve) => {
      if (!("indexedDB" in window)) { resolve(null); return; }
      const request = indexedDB.open(OUTBOX);
      request.onupgradeneeded = () => request.transaction.abort();
      request.onsuccess = () => {
        const db = request.result;
        if (STORES.every((name) => db.objectStoreNames.contains(name))) resolve(db);
        else { db.close(); resolve(null); }
      };
      request.onerror = () => resolve(null);
    });
  }

  // The signed-in user's entries in the outbox, as [store name, key] pairs.
  function entriesOf(db, user) {
    return new Promise((resolve, reject) => {
      const found = [];
      const t = db.transaction(STORES, "readonly");
      for (const name of STORES) {
        const request = t.objectStore(name).openCursor();
        request.onsuccess = () => {
          const cursor = request.result;
          if (!cursor) return;
          if (String(cursor.value.user) === user) found.push([name, cursor.primaryKey]);
          cursor.continue();
        };
      }
      t.oncomplete = () => resolve(found);
      t.onerror = () => reject(t.error);
      t.onabort = () => reject(t.error);
    });
  }

  // Actions waiting to be sent and conflicts waiting for the technician's decision.
  async function waiting(user) {
    const db = await outbox();
    if (!db) return 0;
    try {
      return (await entriesOf(db, user)).length;
    } finally {
      db.close();
    }
  }

  async function clearOutbox(user) {
    const db = await outbox();
    if (!db) return;
    try {
      const entries = await entriesOf(db, user);
      await new Promise((resolve, reject) => {
        const t = db.transaction(STORES, "readwrite");
        for (const [name, key] of entries) t.objectStore(name).delete(key);
        t.oncomplete = resolve;
        t.onerror = () => reject(t.error);
        t.onabort = () => reject(t.error);
      });
    } finally {
      db.close();
    }
  }

  const within = (promise, ms) => Promise.race([
    promise, new Promise((resolve) => { setTimeout(resolve, ms); })]);

  document.addEventListener("submit", (event) => {
    const form = event.target.closest("form[data-logout]");
    if (!form) return;
    event.preventDefault();
    if (form.dataset.leaving) return;
    form.dataset.leaving = "1";
    const user = form.dataset.user || "";
    waiting(user).catch(() => 0).then((count) => {
      const ask = ngettext(
        "%(count)s action is waiting to be sent. Logging out deletes it from this phone. Log out anyway?",
        "%(count)s actions are waiting to be sent. Logging out deletes them from this phone. Log out anyway?",
        count);
      if (count && !window.confirm(interpolate(ask, { count }, true))) {
        delete form.dataset.leaving;
        return null;
      }
      // form.submit() sends the form without this handler seeing it again.
      return within(Promise.all([clearOutbox(user), dropCaches()]).catch(() => {}), 3000)
        .then(() => form.submit());
    });
  });

  if (document.body && "signedOut" in document.body.dataset) dropCaches().catch(() => {});
})();

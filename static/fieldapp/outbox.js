// The phone's outbox: every action on a job is stored in IndexedDB first, then sent in order
// to /tech/sync/ (on load, when the connection returns, and by "Sync now"). Each action has a
// key, so a replay never records twice; a conflict (the visit changed meanwhile) is shown and
// the technician decides. Nothing is dropped silently. "Apply anyway" is offered only when the
// server says sending again can help (`retry`); a step it answers "confirm" for ("on my way"
// to a visit not planned for today) is sent again once the technician confirms. What waits to
// be sent shows on the job page, marked as waiting: the status it will have, the step after
// it, and the notes, parts and other records.
// Each action and conflict belongs to the user who made it (the page's data-user): a session
// that ran out leaves them on the phone, and whoever signs in next sees only their own and is
// told how many wait for someone else; they are sent when their owner signs in again.
// Positions (position.js) ride the same queue but are not the technician's work: only the
// latest waits (a newer one replaces it), they are not listed or counted, and a refusal drops
// them (a stale position is worth nothing) instead of keeping it as a conflict.
(function () {
  "use strict";
  const DB = "fieldservice-outbox";
  const box = document.getElementById("outbox");
  const me = box ? box.dataset.user : "";
  const mine = (entry) => Boolean(me) && String(entry.user) === me;
  let syncing = false;

  function open() {
    return new Promise((resolve, reject) => {
      const request = indexedDB.open(DB, 1);
      request.onupgradeneeded = () => {
        request.result.createObjectStore("actions", { keyPath: "seq", autoIncrement: true });
        request.result.createObjectStore("conflicts", { keyPath: "key" });
      };
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
  }

  async function tx(store, mode, work) {
    const db = await open();
    return new Promise((resolve, reject) => {
      const t = db.transaction(store, mode);
      const result = work(t.objectStore(store));
      t.oncomplete = () => resolve(result && "result" in result ? result.result : result);
      t.onerror = () => reject(t.error);
    });
  }

  const all = (store) => tx(store, "readonly", (s) => s.getAll());
  const put = (store, value) => tx(store, "readwrite", (s) => s.put(value));
  const remove = (store, key) => tx(store, "readwrite", (s) => s.delete(key));

  // Actions queued before they carried their maker (an older version of this script) are the
  // first signed-in user's: they were made on this phone, and left unowned they would never be
  // sent. The server still refuses any that are not that user's to make.
  async function adoptUnowned() {
    if (!me) return;
    for (const store of ["actions", "conflicts"]) {
      const unowned = (await all(store)).filter((entry) => entry.user === undefined);
      for (const entry of unowned) await put(store, { ...entry, user: me });
    }
  }

  function csrf() {
    const match = document.cookie.match(/csrftoken=([^;]+)/);
    return match ? match[1] : "";
  }

  function showSteps(waiting) {
    // The job page's status and step buttons as they will be once the queued steps are sent.
    const steps = document.querySelector("[data-steps]");
    if (!steps) return;
    const queued = waiting.filter(
      (a) => a.type === "step" && String(a.visit) === steps.dataset.visit);
    const last = queued[queued.length - 1];
    const status = last ? last.to : steps.dataset.status;
    steps.querySelectorAll("form[data-after]").forEach((form) => {
      form.hidden = !form.dataset.after.split(" ").includes(status);
    });
    // position.js shares the position only while the visit is (or is queued to be) en route.
    document.dispatchEvent(new CustomEvent("outbox:status", {
      detail: { visit: steps.dataset.visit, status: status },
    }));
    const shown = document.querySelector("[data-testid=visit-status]");
    if (!shown) return;
    if (shown.dataset.server === undefined) shown.dataset.server = shown.textContent;
    const target = last && steps.querySelector(`input[name=to][value="${last.to}"]`);
    shown.textContent = target
      ? `${target.form.dataset.statusLabel} (${gettext("waiting to be sent")})`
      : shown.dataset.server;
  }

  function describe(action) {
    const picked = document.querySelector(`input[name=part][value="${action.part}"]`);
    const part = picked && picked.closest("label");
    if (action.type === "part") {
      return `${action.quantity || 1} × ${part ? part.textContent.trim() : ""}`;
    }
    if (action.type === "option") return `${action.text || ""} · ${action.price || ""}`;
    if (action.type === "photo") return action.text || (action.photo && action.photo.name) || "";
    if (action.type === "commission") {
      return `${action.serial_number || "-"} · ${(action.checked || []).length} ✓`;
    }
    return action.text || action.reason || "";
  }

  function showRecords(waiting) {
    const list = document.getElementById("outbox-waiting");
    const steps = document.querySelector("[data-steps]");
    if (!list || !steps) return;
    list.innerHTML = "";
    for (const action of waiting) {
      if (action.type === "step" || action.type === "position" ||
          String(action.visit) !== steps.dataset.visit) continue;
      const item = document.createElement("li");
      item.className = "waiting";
      const label = {
        note: gettext("Note"),
        part: gettext("Part used"),
        option: gettext("Repair offered"),
        choose: gettext("Chosen"),
        decline: gettext("Declined"),
        sign: gettext("Signature"),
        photo: gettext("Photo"),
        commission: gettext("Commissioning"),
        hand_back: gettext("I cannot come"),
      }[action.type];
      item.textContent = `${label || action.type}: ${describe(action)} (${gettext("waiting to be sent")})`;
      list.append(item);
    }
  }

  async function show() {
    const actions = await all("actions");
    const kept = await all("conflicts");
    const waiting = actions.filter(mine);
    const conflicts = kept.filter(mine);
    const counter = document.getElementById("outbox-count");
    if (counter) {
      counter.textContent = String(waiting.filter((a) => a.type !== "position").length);
    }
    showSteps(waiting);
    showRecords(waiting);
    const others = document.getElementById("outbox-others");
    const theirs = actions.length - waiting.length + kept.length - conflicts.length;
    if (others) {
      others.hidden = !theirs;
      // Plural by the count: languages with more than one plural form need it (issue 21).
      const message = ngettext("%(count)s action waiting for another technician to sign in on this phone, kept for them and not sent.", "%(count)s actions waiting for another technician to sign in on this phone, kept for them and not sent.", theirs);
      others.textContent = theirs ? interpolate(message, { count: theirs }, true) : "";
    }
    const list = document.getElementById("outbox-conflicts");
    if (!list) return;
    list.innerHTML = "";
    for (const conflict of conflicts) {
      const item = document.createElement("li");
      item.textContent = conflict.message + " ";
      if (conflict.retry) {
        // Only where the server said sending it again can help (the visit changed meanwhile).
        const again = document.createElement("button");
        again.textContent = gettext("Apply anyway");
        again.onclick = async () => {
          await remove("conflicts", conflict.key);
          await put("actions", { ...conflict.action, key: conflict.key + "-forced", force: true });
          sync();
        };
        item.append(again);
      }
      const drop = document.createElement("button");
      drop.textContent = gettext("Discard");
      drop.onclick = async () => { await remove("conflicts", conflict.key); show(); };
      item.append(drop);
      list.append(item);
    }
  }

  async function send(batch) {
    // Photos go as files to the job's record endpoint (idempotent by the same key); the rest
    // as JSON to /tech/sync/. Either way one result per action, in order.
    if (batch.length === 1 && batch[0].type === "photo") {
      const action = batch[0];
      const form = new FormData();
      form.append("what", "photo");
      form.append("client_key", action.key);
      form.append("text", action.text || "");
      form.append("photo", action.photo);
      const response = await fetch(`/tech/visits/${action.visit}/record/?what=photo`, {
        method: "POST", credentials: "same-origin", body: form,
        headers: { "X-CSRFToken": csrf() },
      });
      if (!response.ok) throw new Error("photo upload failed");
      return [{ key: action.key, status: "ok" }];
    }
    const response = await fetch("/tech/sync/", {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf() },
      body: JSON.stringify({ actions: batch.map(({ seq, ...action }) => action) }),
    });
    if (!response.ok) throw new Error("sync failed");
    return (await response.json()).results;
  }

  async function sync() {
    if (syncing || !navigator.onLine) { show(); return; }
    syncing = true;
    let changed = false;
    const toConfirm = [];
    try {
      const waiting = (await all("actions")).filter(mine);
      // Runs of plain actions go together; each photo alone, keeping the order.
      const batches = [];
      for (const action of waiting) {
        const last = batches[batches.length - 1];
        if (action.type === "photo" || !last || last[0].type === "photo") batches.push([action]);
        else last.push(action);
      }
      for (const batch of batches) {
        const results = await send(batch);
        for (let i = 0; i < results.length; i += 1) {
          const result = results[i];
          const action = batch[i];
          if (action.type === "position") {
            // Sent, a duplicate or refused: either way it leaves the phone, and no reload.
          } else if (result.status === "confirm") {
            toConfirm.push({ action, message: result.message });
          } else if (result.status === "conflict" || result.status === "error") {
            await put("conflicts", {
              key: action.key, message: result.message, action, retry: result.retry === true, user: action.user,
            });
          } else {
            changed = true;
          }
          await remove("actions", action.seq);
        }
      }
    } catch (error) {
      // Offline or the server is away: what was not answered stays queued.
    } finally {
      syncing = false;
      // The server asks first (on my way to a visit not planned for today): the technician's
      // yes sends the step again under its key, a no drops it (nothing was recorded).
      let again = false;
      for (const { action, message } of toConfirm) {
        if (window.confirm(message)) {
          const { seq, ...rest } = action;
          await put("actions", { ...rest, confirm: true });
          again = true;
        }
      }
      await show();
      if (again) sync();
      // Refusals stay listed (they are kept in IndexedDB): a success still shows its change.
      else if (changed) window.location.reload();
    }
  }

  document.addEventListener("submit", async (event) => {
    const form = event.target.closest("form[data-offline]");
    // A form whose confirmation was declined (data-confirm, confirm.js) is not queued either.
    if (!form || event.defaultPrevented) return;
    event.preventDefault();
    const fields = new FormData(form);
    const data = Object.fromEntries(fields);
    // Fields a form names in data-lists (the checklist's ticks) go as lists, even of one.
    for (const name of (form.dataset.lists || "").split(" ").filter(Boolean)) {
      data[name] = fields.getAll(name);
    }
    if (event.submitter && event.submitter.name) data[event.submitter.name] = event.submitter.value;
    if (form.id === "sign-form" && window.fieldserviceSignature) {
      data.signature = window.fieldserviceSignature();
    }
    delete data.csrfmiddlewaretoken;
    if (data.photo instanceof File && !data.photo.size) delete data.photo;
    if (data.what === "photo" && !data.photo) return;
    const action = { ...data, type: data.what, key: crypto.randomUUID(),
                     visit: Number(form.dataset.visit), user: me };
    delete action.what;
    if (action.version) action.version = Number(action.version);
    await put("actions", action);
    // A form that records a whole state (the commissioning) keeps showing what was queued.
    if (!form.hasAttribute("data-keep")) form.reset();
    sync();
  });

  // On the day's list, fetch each job page once so the service worker keeps it for offline use.
  if (navigator.onLine && document.getElementById("outbox-count") && !document.querySelector(
    "form[data-offline]")) {
    document.querySelectorAll("a[href^='/tech/visits/']").forEach((link) => {
      fetch(link.href, { credentials: "same-origin" }).catch(() => {});
    });
  }

  // position.js queues the phone's latest position here; an older one waiting is dropped.
  window.fieldserviceOutbox = {
    async queuePosition(reading) {
      for (const action of await all("actions")) {
        if (action.type === "position" && mine(action)) await remove("actions", action.seq);
      }
      await put("actions", { ...reading, type: "position", key: crypto.randomUUID(), user: me });
      return sync();
    },
  };

  window.addEventListener("online", sync);
  document.addEventListener("click", (event) => {
    if (event.target.closest("[data-sync-now]")) sync();
  });
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register("/tech/sw.js", { scope: "/tech/" }).catch(() => {});
  }
  adoptUnowned().catch(() => {}).then(sync);
})();

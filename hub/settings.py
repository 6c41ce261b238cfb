"""Kumppani settings: one module, every deploy-specific value from the environment.

With no environment at all this is the embedded default for a laptop: SQLite, Celery tasks run
eagerly in-process, local-memory cache, e-mail to the console, Meilisearch on loopback started
by `manage.py meilisearch`. Production values are switched on by their variables (README).
A malformed value stops start-up with a message that names the variable.
"""

import secrets
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def _bool(name: str, default: bool) -> bool:
    raw = env.str(name, default=None)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean (use true/false, 1/0, on/off).")


def _int(name: str, default: int) -> int:
    raw = env.str(name, default=None)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a whole number.") from None


def _url(name: str, default: str, parse, schemes: tuple[str, ...]):
    raw = env.str(name, default=default)
    scheme = raw.split("://", 1)[0] if "://" in raw else ""
    if scheme not in schemes:
        raise ImproperlyConfigured(
            f"{name}={raw!r} is not a valid URL; it must start with one of: "
            + ", ".join(f"{s}://" for s in schemes)
        )
    try:
        return parse(raw)
    except Exception as exc:  # the parsers raise assorted errors for junk
        raise ImproperlyConfigured(f"{name}={raw!r} could not be parsed: {exc}") from None


def _generated_secret(name: str, path: Path, nbytes: int) -> str:
    """The variable's value, else a secret generated once and kept under var/ (laptop default;
    a deployment with several hosts sets the variable)."""
    value = env.str(name, default="")
    if value:
        return value
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(nbytes))
        path.chmod(0o600)
    return path.read_text().strip()


DEBUG = _bool("DEBUG", False)
SECRET_KEY = _generated_secret("SECRET_KEY", VAR_DIR / "secret_key", 64)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env.str("SITE_URL", default="http://localhost:8000").rstrip("/")

# --- Applications ---------------------------------------------------------------------------

INSTALLED_APPS = [
    "hub",
    "hub.search",
    "accounts",
    "knowledge",
    "community",
    "moderation",
    "learning",
    "commerce",
    "support",
    "integrations",
    "notifications",
    "wagtail.contrib.settings",
    "wagtail.contrib.redirects",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.usersessions",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "allauth.usersessions.middleware.UserSessionsMiddleware",
    "hub.middleware.ReadAheadMiddleware",  # a person's small cache entries in one round trip
    "moderation.middleware.ModerationMiddleware",  # suspended members out; merged topics on
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "hub.middleware.StaffMFARequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "hub.urls"
WSGI_APPLICATION = "hub.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "wagtail.contrib.settings.context_processors.settings",
                # The portal's name, the unread count in the header, the portal settings
                # (support contact) in the footer.
                "hub.context_processors.portal",
            ],
        },
    },
]

# --- Data -----------------------------------------------------------------------------------

DATABASES = {
    "default": _url(
        "DATABASE_URL",
        f"sqlite:///{VAR_DIR / 'kumppani.sqlite3'}",
        env.db_url_config,
        ("sqlite", "postgres", "postgresql", "pgsql", "postgis"),
    )
}
# Connections are kept for a minute and checked before reuse: opening one to PostgreSQL for
# every request costs more than most of our pages take to render. The check is a `SELECT 1`
# before each request's first query, one round trip (which `manage.py bench`, through the test
# client, does not count); without it a request fails after the database has restarted.
DATABASES["default"].setdefault("CONN_MAX_AGE", _int("DATABASE_CONN_MAX_AGE", 60))
DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", _bool("DATABASE_CONN_HEALTH_CHECKS", True))
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # WAL lets the dev server, the eager worker and a shell share the file without locking up.
    DATABASES["default"].setdefault("OPTIONS", {})["init_command"] = "PRAGMA journal_mode=WAL;"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    _url("REDIS_URL", REDIS_URL, str, ("redis", "rediss"))
    CACHES = {
        "default": {
            "BACKEND": "hub.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="kumppani"),
        }
    }
else:
    # Local memory, never the dummy cache: allauth's rate limits live in the cache.
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Celery ---------------------------------------------------------------------------------

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_TASK_ALWAYS_EAGER = _bool("CELERY_TASK_ALWAYS_EAGER", not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 2, "socket_timeout": 5}
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULE = {
    "search-outbox-retry": {"task": "hub.search.tasks.drain_outbox", "schedule": 60.0},
    "search-analytics-flush": {"task": "hub.search.tasks.flush_analytics", "schedule": 60.0},
    "invitations-retry": {"task": "accounts.tasks.send_pending_invitations", "schedule": 300.0},
    # The retry of outbound webhooks (each waiting event honours its own backoff).
    "webhooks-retry": {"task": "accounts.tasks.deliver_webhooks", "schedule": 60.0},
    # Own data: expired export files removed; "forget me" carried out after its grace period.
    "data-exports-expire": {"task": "accounts.tasks.expire_data_exports", "schedule": 3600.0},
    "forget-me-due": {"task": "accounts.tasks.anonymise_due", "schedule": 3600.0},
    # Customer messages whose mail to the support address has not gone yet.
    "support-mail-retry": {"task": "support.tasks.mail_pending", "schedule": 300.0},
    # Forum announcements (watchers, mentions) left over from a failed or lost delivery.
    "community-announcements-retry": {
        "task": "community.tasks.deliver_announcements",
        "schedule": 300.0,
    },
    # Knowledge followers (published and updated articles, import summaries) not yet told.
    "knowledge-subscriber-notices-retry": {
        "task": "knowledge.tasks.deliver_subscriber_notices",
        "schedule": 300.0,
    },
    # Images uploaded for a post that was never written (older than a day).
    "community-orphan-images": {"task": "community.tasks.remove_orphan_images", "schedule": 3600.0},
}

# --- Search ---------------------------------------------------------------------------------

MEILISEARCH_URL = env.str("MEILISEARCH_URL", default="http://127.0.0.1:7700").rstrip("/")
_url("MEILISEARCH_URL", MEILISEARCH_URL, str, ("http", "https"))
MEILISEARCH_DATA_DIR = VAR_DIR / "meilisearch"
MEILISEARCH_MASTER_KEY = _generated_secret(
    "MEILISEARCH_MASTER_KEY", MEILISEARCH_DATA_DIR / "master.key", 24
)
MEILISEARCH_INDEX = env.str("MEILISEARCH_INDEX", default="kumppani")
MEILISEARCH_TIMEOUT = _int("MEILISEARCH_TIMEOUT", 5)
# Where `manage.py meilisearch` keeps the binary it fetches and the local server's data.
MEILISEARCH_BINARY_CACHE = Path(
    env.str("MEILISEARCH_BINARY_CACHE", default=str(Path.home() / ".cache" / "kumppani"))
)
# Names the release in the keys of cached markup (hub/release.py); a digest of the code if unset.
RELEASE_ID = env.str("RELEASE_ID", default="")

# The indexing memory of the Meilisearch that `manage.py meilisearch` starts. Meilisearch's own
# default, two thirds of the RAM, made each small write take 0.15 to 1.9 s on a 24 GB machine
# (the budget is prepared for every indexing batch); 1 GB took 50 to 70 ms and reindexed 100,000
# documents as fast. Set MEILI_MAX_INDEXING_MEMORY on a server of your own likewise.
MEILISEARCH_MAX_INDEXING_MEMORY_MB = _int("MEILISEARCH_MAX_INDEXING_MEMORY_MB", 1024)
SEARCH_OUTBOX_BATCH = _int("SEARCH_OUTBOX_BATCH", 500)

# Wagtail's own search index is not used for the portal (Meilisearch is); the database backend
# keeps the admin's page search working.
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}

# --- Accounts and authentication -------------------------------------------------------------

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "accounts.backends.AuthenticationBackend",  # allauth's, with a lean get_user
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "hub:home"
# Wagtail's admin sends visitors to "wagtailadmin_login", which hub/urls.py points at our own
# sign-in (and answers 403 to a signed-in person without admin access, instead of looping).

ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_REAUTHENTICATION_REQUIRED = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "change_password": "5/m/user",
    "reauthenticate": "10/m/user",
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
MFA_TOTP_ISSUER = env.str("PORTAL_NAME", default="Kumppani")
MFA_PASSKEY_LOGIN_ENABLED = False
# WebAuthn needs a secure origin; the embedded default runs on http://localhost.
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = DEBUG
# Staff must have a second factor before they can do anything else (on unless switched off).
MFA_REQUIRED_FOR_STAFF = _bool("MFA_REQUIRED_FOR_STAFF", not DEBUG)
# Tracking would write to the database on every request; sessions are listed with their
# sign-in time and address instead.
USERSESSIONS_TRACK_ACTIVITY = False
# How many proxies in front of us append to X-Forwarded-For; 0 = use REMOTE_ADDR only, so a
# client cannot spoof its address to slip past the rate limits.
ALLAUTH_TRUSTED_PROXY_COUNT = _int("TRUSTED_PROXY_COUNT", 0)
INVITATION_MAX_AGE_DAYS = _int("INVITATION_MAX_AGE_DAYS", 7)

# --- E-mail -----------------------------------------------------------------------------------

_EMAIL = _url(
    "EMAIL_URL",
    "consolemail://",
    env.email_url_config,
    ("consolemail", "smtp", "smtps", "smtp+tls", "smtp+ssl", "filemail", "memorymail", "dummymail"),
)
globals().update(_EMAIL)  # EMAIL_BACKEND, EMAIL_HOST, EMAIL_PORT, EMAIL_HOST_USER, ...
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Kumppani <portal@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Internationalisation --------------------------------------------------------------------

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("fi", _("Finnish")), ("de", _("German"))]
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env.str("TIME_ZONE", default="Europe/Helsinki")
USE_I18N = True
USE_TZ = True

# --- Static and media ------------------------------------------------------------------------

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
STORAGES = {
    # Holds only Wagtail's original images; served to editors only (knowledge/storage.py).
    "default": {"BACKEND": "knowledge.storage.OriginalImageStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG

# --- Wagtail ---------------------------------------------------------------------------------

WAGTAIL_SITE_NAME = env.str("PORTAL_NAME", default="Kumppani")
WAGTAILADMIN_BASE_URL = SITE_URL
WAGTAIL_I18N_ENABLED = False
# Our audience rule is the access control; Wagtail's shared-password privacy is switched off.
WAGTAIL_PRIVATE_PAGE_OPTIONS = {"SHARED_PASSWORD": False}
WAGTAILDOCS_PRIVATE_COLLECTION_OPTIONS = {"SHARED_PASSWORD": False}
WAGTAILDOCS_SERVE_METHOD = "serve_view"
WAGTAILDOCS_EXTENSIONS = ["pdf", "txt", "csv", "docx", "xlsx", "pptx", "odt", "ods", "zip", "mp4"]
WAGTAILDOCS_MAX_UPLOAD_SIZE = 50 * 1024 * 1024
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

# --- Security --------------------------------------------------------------------------------

# Plain-HTTP serving is for the laptop default (DEBUG on) and the test suite; production is HTTPS.
HTTPS = _bool("HTTPS", not DEBUG)
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = _int("SECURE_HSTS_SECONDS", 31_536_000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
if _bool("BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# Sessions are read from the cache and written through to the database: a signed-in request
# pays no query for its session (0.6 ms on PostgreSQL). Every place that ends sessions goes
# through the session store (allauth's UserSession.end), which clears both.
SESSION_ENGINE = "hub.sessions"  # cached_db, read with the request's read-ahead (hub/cache.py)
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

CONTENT_SECURITY_POLICY = {
    # The Wagtail admin carries inline scripts and styles of its own; the portal
    # itself runs under the strict policy below.
    "EXCLUDE_URL_PREFIXES": ["/admin/"],
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        name: {"level": env.str("LOG_LEVEL", default="INFO")}
        for name in ("hub", "accounts", "knowledge", "community")
    },
}

# --- Knowledge (issue 3) ---------------------------------------------------------------------

INSTALLED_APPS += ["wagtail.contrib.table_block"]  # the article body's table block
# Documents carry an audience (knowledge.Document) and are served only through Wagtail's serve
# view, where knowledge/wagtail_hooks.py applies audience.visible_to. Their files live outside
# MEDIA_ROOT in a storage with no URL (knowledge/storage.py), so no /media/ path reaches them.
WAGTAILDOCS_DOCUMENT_MODEL = "knowledge.Document"
DOCUMENTS_ROOT = Path(env.str("DOCUMENTS_ROOT", default=str(VAR_DIR / "documents")))
# Community post images: outside MEDIA_ROOT, served only through community:image (audience).
COMMUNITY_IMAGES_ROOT = Path(
    env.str("COMMUNITY_IMAGES_ROOT", default=str(VAR_DIR / "community-images"))
)
WAGTAILDOCS_INLINE_CONTENT_TYPES: list[str] = []  # always a download (attachment)
WAGTAILDOCS_DOCUMENT_FORM_BASE = "knowledge.document_forms.DocumentForm"  # saves the audience
# Image renditions (all that pages show of an image) live outside MEDIA_ROOT and are served by a
# view that checks the audience of the pages using the image (knowledge/storage.py).
WAGTAILIMAGES_RENDITION_STORAGE = "knowledge.storage.PrivateImageStorage"
RENDITIONS_ROOT = Path(env.str("RENDITIONS_ROOT", default=str(VAR_DIR / "renditions")))

# --- Account modules --------------------------------------------------------------------------
# Private folders (outside MEDIA_ROOT, no URL): data exports and support attachments leave
# only through views that check the owner / the request's visibility.
EXPORTS_ROOT = Path(env.str("EXPORTS_ROOT", default=str(VAR_DIR / "exports")))
SUPPORT_FILES_ROOT = Path(env.str("SUPPORT_FILES_ROOT", default=str(VAR_DIR / "support")))
# Webhook endpoints (accounts/webhook_urls.py): HTTPS to public addresses only. Networks listed
# here (CIDR, comma-separated, e.g. a CRM on the LAN) are allowed although private; plain HTTP
# to loopback only with WEBHOOK_ALLOW_LOOPBACK (on with DEBUG).
WEBHOOK_ALLOWED_NETWORKS = env.list("WEBHOOK_ALLOWED_NETWORKS", default=[])
WEBHOOK_ALLOW_LOOPBACK = _bool("WEBHOOK_ALLOW_LOOPBACK", DEBUG)

# --- Notifications -------------------------------------------------------------------------------
from celery.schedules import crontab  # noqa: E402

CELERY_BEAT_SCHEDULE["notifications-retry"] = {
    "task": "notifications.tasks.send_pending",
    "schedule": 300.0,
}
CELERY_BEAT_SCHEDULE["notifications-digest"] = {
    "task": "notifications.tasks.send_digests",
    "schedule": crontab(hour=6, minute=0),  # 06:00 UTC: before the working day in the EU
}

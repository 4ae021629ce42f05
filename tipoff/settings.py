"""The one settings module. Every value comes from an environment variable.

Development defaults are safe and need nothing installed: SQLite and local files
under ``var/``. ``TIPOFF_ENV=production`` turns on the production checks: it refuses
to start with the development secret key, and turns on secure cookies and HSTS.
All variables are documented in ``.env.example``.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from tipoff.lib.crypto import keyed_hash
from tipoff.lib.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("TIPOFF_VAR_DIR", str(BASE_DIR / "var")))

# Under pytest the defaults switch to test mode (cheaper staff key derivation,
# a private media folder, an in-memory cache); real values still win.
_UNDER_PYTEST = "pytest" in sys.modules
TIPOFF_ENV = env_str("TIPOFF_ENV", "test" if _UNDER_PYTEST else "development")
TESTING = TIPOFF_ENV == "test"
PRODUCTION = TIPOFF_ENV == "production"
if TIPOFF_ENV not in {"development", "production", "test"}:
    raise ImproperlyConfigured("TIPOFF_ENV must be development, production or test")

_DEV_SECRET = "dev-only-insecure-secret-key-change-me-in-production"  # noqa: S105
SECRET_KEY = env_str("SECRET_KEY", _DEV_SECRET)
# Rotating SECRET_KEY: put the old value here for as long as old sessions and
# signed tokens should stay valid (docs/deployment.md, "Key rotation").
SECRET_KEY_FALLBACKS = env_list("SECRET_KEY_FALLBACKS")
if PRODUCTION and (SECRET_KEY == _DEV_SECRET or len(SECRET_KEY) < 40):
    raise ImproperlyConfigured(
        "Refusing to start in production with the default or a short SECRET_KEY: "
        "set SECRET_KEY to at least 40 random characters."
    )
# --- Channels (messaging channels; docs/channels.md) -----------------------------------
CHANNELS_KEY = env_str("CHANNELS_KEY", "" if PRODUCTION else "dev-channels:" + SECRET_KEY)
# "http" talks to the real channel APIs; "null" records what would be sent.
CHANNELS_TRANSPORT = env_str("CHANNELS_TRANSPORT", "null" if TESTING else "http")
CHANNELS_REPLY_BUDGET_SECONDS = float(env_str("CHANNELS_REPLY_BUDGET_SECONDS", "4.0"))
# WeChat's plain mode (明文模式) signs the query string only, not the message:
# production refuses it unless explicitly allowed here (use safe mode, 安全模式).
CHANNELS_WECHAT_PLAIN_MODE = env_bool("CHANNELS_WECHAT_PLAIN_MODE", default=not PRODUCTION)
# Where each service's API is called: the public hosts by default, or a proxy
# (deployments in mainland China) or a local test server.
CHANNELS_WECHAT_API_BASE = env_str("CHANNELS_WECHAT_API_BASE", "https://api.weixin.qq.com")
CHANNELS_TELEGRAM_API_BASE = env_str("CHANNELS_TELEGRAM_API_BASE", "https://api.telegram.org")
CHANNELS_WEIBO_API_BASE = env_str("CHANNELS_WEIBO_API_BASE", "https://m.api.weibo.com")
CHANNELS_WEIBO_UPLOAD_BASE = env_str("CHANNELS_WEIBO_UPLOAD_BASE", "https://upload.api.weibo.com")
CHANNELS_TWILIO_API_BASE = env_str("CHANNELS_TWILIO_API_BASE", "https://api.twilio.com")
# --- end of Channels ----------------------------------------------------------------------
# Attendance face templates are encrypted under a key derived from this (never in the database).
_DEV_ATTENDANCE_KEY = keyed_hash(SECRET_KEY.encode(), b"attendance", person=b"dev-attendance").hex()
ATTENDANCE_KEY = env_str("ATTENDANCE_KEY") or ("" if PRODUCTION else _DEV_ATTENDANCE_KEY)
if PRODUCTION and len(ATTENDANCE_KEY) < 32:
    raise ImproperlyConfigured("Set ATTENDANCE_KEY to at least 32 random characters in production.")
DEBUG = env_bool("DEBUG", default=not PRODUCTION and TIPOFF_ENV != "test")
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("DEBUG must be off in production.")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_tasks_db",
    "tipoff.limits",
    "tipoff.people",
    "tipoff.audit",
    "tipoff.reports",
    "tipoff.cases",
    "tipoff.office",
    "tipoff.channels",
    "tipoff.transparency",
    "tipoff.attendance",
    "tipoff.ops",
]

MIDDLEWARE = [
    # /healthz and /readyz answer first (no host check: load balancers probe by address).
    "tipoff.ops.health.HealthCheckMiddleware",
    "tipoff.ops.metrics.MetricsMiddleware",
    "tipoff.middleware.SecurityHeadersMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, so it sees the views' exceptions first: a lost database answers 503.
    "tipoff.ops.health.DatabaseUnavailableMiddleware",
]

ROOT_URLCONF = "tipoff.urls"
WSGI_APPLICATION = "tipoff.wsgi.application"
AUTH_USER_MODEL = "people.User"
LOGIN_URL = "people:login"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "tipoff" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------
DATABASE_URL = env_str("DATABASE_URL")
if not DATABASE_URL:
    # The embedded default: one SQLite file under var/, made on first use.
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASE_URL = f"sqlite:///{VAR_DIR / 'tipoff.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60))
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers and one writer work at once; IMMEDIATE takes the write
        # lock at BEGIN so concurrent submissions queue instead of failing.
        "init_command": f"PRAGMA journal_mode=WAL; PRAGMA synchronous={'OFF' if TESTING else 'FULL'};",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
if env_str("TIPOFF_TEST_DB_NAME"):
    # Lets several test runs share one PostgreSQL server without colliding.
    DATABASES["default"]["TEST"] = {"NAME": env_str("TIPOFF_TEST_DB_NAME")}
elif TESTING and DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Tests use a real SQLite file, not Django's shared in-memory database: it
    # locks like production does (writers queue on the busy timeout).
    DATABASES["default"]["TEST"] = {
        "NAME": str(Path(tempfile.gettempdir()) / f"tipoff-test-{os.getpid()}.sqlite3")
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache (rate limits) ----------------------------------------------------
REDIS_URL = env_str("REDIS_URL")
if TESTING and not REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
elif REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "tipoff_cache",
        }
    }

# --- Files ------------------------------------------------------------------
MEDIA_ROOT = Path(
    env_str(
        "MEDIA_ROOT",
        tempfile.mkdtemp(prefix="tipoff-test-media-") if TESTING else str(VAR_DIR / "media"),
    )
)
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
if not PRODUCTION:
    # WhiteNoise expects the folder to exist; collectstatic fills it in production.
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "tipoff" / "static"]  # site-wide CSS, JS, icons
# Evidence is encrypted before it reaches its backend, so any Django storage can
# hold it: local files (default), or any S3-compatible object store with
# EVIDENCE_STORAGE_BACKEND=s3 and the EVIDENCE_S3_* variables; a dotted path
# names any other backend (with no options).
EVIDENCE_STORAGE_BACKEND = env_str("EVIDENCE_STORAGE_BACKEND")
if EVIDENCE_STORAGE_BACKEND in ("", "local"):
    _evidence_storage: dict = {
        "BACKEND": "tipoff.lib.storage.ShreddingFileSystemStorage",
        "OPTIONS": {"location": str(MEDIA_ROOT / "evidence")},
    }
elif EVIDENCE_STORAGE_BACKEND == "s3":
    if not env_str("EVIDENCE_S3_BUCKET"):
        raise ImproperlyConfigured("EVIDENCE_STORAGE_BACKEND=s3 needs EVIDENCE_S3_BUCKET.")
    _evidence_storage = {
        "BACKEND": "tipoff.lib.storage.EvidenceS3Storage",
        "OPTIONS": {
            "bucket_name": env_str("EVIDENCE_S3_BUCKET"),
            "endpoint_url": env_str("EVIDENCE_S3_ENDPOINT_URL") or None,
            "region_name": env_str("EVIDENCE_S3_REGION") or None,
            "access_key": env_str("EVIDENCE_S3_ACCESS_KEY") or None,
            "secret_key": env_str("EVIDENCE_S3_SECRET_KEY") or None,
            "location": env_str("EVIDENCE_S3_PREFIX"),
            "addressing_style": env_str("EVIDENCE_S3_ADDRESSING_STYLE", "path"),
            "verify": env_bool("EVIDENCE_S3_VERIFY_TLS", default=True),
        },
    }
else:
    _evidence_storage = {"BACKEND": EVIDENCE_STORAGE_BACKEND, "OPTIONS": {}}
STORAGES = {
    "evidence": _evidence_storage,
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(MEDIA_ROOT)},
    },
    "staticfiles": {
        # Production: hashed names (served with a ten-year, immutable lifetime by
        # WhiteNoise and by nginx) plus .gz and .br copies.
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Blobs (evidence, case files) in storage that no row refers to — left by a
# crash between writing a file and committing its report — are shredded once
# they are this old (the job reports.orphan_sweep).
ORPHAN_BLOB_GRACE_HOURS = env_int("ORPHAN_BLOB_GRACE_HOURS", 6, minimum=1)
WHITENOISE_USE_FINDERS = not PRODUCTION

# Search: a body's index is opened report by report at most this long per request
# while it is being built (after that, it is kept up to date as reports arrive).
SEARCH_INDEX_BUILD_SECONDS = float(env_str("SEARCH_INDEX_BUILD_SECONDS", "3"))

# Retention: contents of reports whose case finished this long ago are purged
# by the scheduled job reports.retention_purge (or `manage.py purge_expired`);
# statistics keep the case row. A body may set its own period (Body.retention_days).
RETENTION_DAYS = env_int("RETENTION_DAYS", 730, minimum=1)

# Uploads: limits are per file and per report. Django streams files over 2 MB to a
# temporary file until the request is handled; that file is the upload as sent, metadata
# and all, so it goes to a RAM-backed tmpfs (/dev/shm) and never reaches a disk. Where
# there is none, point UPLOAD_TEMP_DIR at a tmpfs or an encrypted directory.
EVIDENCE_MAX_FILE_MB = env_int("EVIDENCE_MAX_FILE_MB", 25, minimum=1)
EVIDENCE_MAX_FILES = env_int("EVIDENCE_MAX_FILES", 10, minimum=0)
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 200
FILE_UPLOAD_TEMP_DIR = (
    env_str("UPLOAD_TEMP_DIR", "/dev/shm" if os.path.isdir("/dev/shm") else "")  # noqa: S108
    or None
)
FILE_UPLOAD_PERMISSIONS = 0o600

# --- Internationalisation -----------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "tipoff" / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = env_str("TIME_ZONE", "Asia/Shanghai")
LANGUAGE_COOKIE_NAME = "tipoff_lang"
LANGUAGE_COOKIE_SAMESITE = "Lax"

# --- Security -----------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = env_int("STAFF_SESSION_IDLE_MINUTES", 30, minimum=5) * 60
SESSION_SAVE_EVERY_REQUEST = True  # idle timeout, not absolute
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
CSRF_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "tipoff.views.csrf_failure"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
# same-origin, not no-referrer: with no-referrer browsers send "Origin: null" on form
# posts, which Django's CSRF check rightly refuses. Other sites still get no referrer.
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
TLS = env_bool("TLS", default=PRODUCTION)
SESSION_COOKIE_SECURE = TLS
CSRF_COOKIE_SECURE = TLS
LANGUAGE_COOKIE_SECURE = TLS
SECURE_HSTS_SECONDS = 31536000 if TLS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = TLS
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=False)
# Reverse proxies in front of tipoff (docs/security.md, "Behind proxies and
# onion services"): name them by count (how many append to the header) or by
# the networks they connect from; the client is then the rightmost address in
# X-Forwarded-For that is not one of them. Used only for abuse limits, never stored.
TRUSTED_PROXY_HOPS = env_int("TRUSTED_PROXY_HOPS", 0, minimum=0)
TRUSTED_PROXY_NETWORKS = env_list("TRUSTED_PROXY_NETWORKS")
TRUSTED_PROXY_HEADER = env_str("TRUSTED_PROXY_HEADER", "HTTP_X_FORWARDED_FOR")
if env_bool("BEHIND_TLS_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if TESTING:
    PASSWORD_HASHERS.insert(0, "tipoff.people.hashers.LightArgon2PasswordHasher")
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Cost of the Argon2id derivations (libsodium). Receipts: one derivation per
# submission and per follow-up sign-in; staff keys: one per staff sign-in.
RECEIPT_DIGITS = env_int("RECEIPT_DIGITS", 20, minimum=16)
RECEIPT_KDF_OPS = env_int("RECEIPT_KDF_OPS", 2, minimum=1)
RECEIPT_KDF_MEM_KIB = env_int("RECEIPT_KDF_MEM_KIB", 8192, minimum=8)
STAFF_KDF_OPS = env_int("STAFF_KDF_OPS", 2, minimum=1)
STAFF_KDF_MEM_KIB = env_int("STAFF_KDF_MEM_KIB", 8192 if TESTING else 65536, minimum=8)

# Abuse limits (tipoff/limits, numbers explained in docs/security.md). Past a
# budget the next attempt needs a proof of work; only the per-receipt budget
# refuses outright. Counters live in the database, or in Redis with REDIS_URL.
LIMITS_BACKEND = env_str("LIMITS_BACKEND", "redis" if REDIS_URL else "database")
RECEIPT_ATTEMPTS_PER_CLIENT = env_int("RECEIPT_ATTEMPTS_PER_CLIENT", 10, minimum=1)
RECEIPT_ATTEMPTS_PER_RECEIPT = env_int("RECEIPT_ATTEMPTS_PER_RECEIPT", 20, minimum=1)
RECEIPT_FAILURES_GLOBAL = env_int("RECEIPT_FAILURES_GLOBAL", 200, minimum=1)
RECEIPT_ATTEMPT_WINDOW_SECONDS = env_int("RECEIPT_ATTEMPT_WINDOW_SECONDS", 900, minimum=1)
SUBMISSIONS_PER_CLIENT_PER_HOUR = env_int("SUBMISSIONS_PER_CLIENT_PER_HOUR", 20, minimum=1)
SUBMISSIONS_GLOBAL_PER_HOUR = env_int("SUBMISSIONS_GLOBAL_PER_HOUR", 2000, minimum=1)
STAFF_SIGNIN_FAILURES_PER_CLIENT = env_int("STAFF_SIGNIN_FAILURES_PER_CLIENT", 5, minimum=1)
STAFF_SIGNIN_FAILURES_PER_ACCOUNT = env_int("STAFF_SIGNIN_FAILURES_PER_ACCOUNT", 10, minimum=1)
STAFF_SIGNIN_NOTICE_AFTER = env_int("STAFF_SIGNIN_NOTICE_AFTER", 5, minimum=1)
POW_BASE_DIFFICULTY = env_int("POW_BASE_DIFFICULTY", 16, minimum=1)
POW_MAX_DIFFICULTY = env_int("POW_MAX_DIFFICULTY", 22, minimum=1)
RATE_LIMITS_ENABLED = env_bool("RATE_LIMITS_ENABLED", default=True)

# --- Background tasks -----------------------------------------------------------
TASKS = {
    "default": {
        "BACKEND": env_str("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

# --- E-mail -----------------------------------------------------------------------
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if PRODUCTION
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "tipoff@localhost")

# --- Logging: never a reporter's address or user agent ------------------------------
# LOG_FORMAT=json writes one JSON object per line (production default).
LOG_FORMAT = env_str("LOG_FORMAT", "json" if PRODUCTION else "plain")
if LOG_FORMAT not in {"json", "plain"}:
    raise ImproperlyConfigured("LOG_FORMAT must be json or plain")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact_addresses": {"()": "tipoff.lib.logs.RedactAddresses"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"()": "tipoff.lib.logs.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["redact_addresses"],
        }
    },
    "root": {
        "handlers": ["console"],
        "level": env_str("LOG_LEVEL", "WARNING" if TESTING else "INFO"),
    },
    "loggers": {
        # Django's own "django" logger has a console handler of its own (with
        # DEBUG on) and also passes records up to the root: every warning came
        # out twice. Here it only passes them up, to the one handler above.
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        # django.server (runserver) logs each request line with the client
        # address; we keep it quiet. Gunicorn runs with its access log off.
        "django.server": {"handlers": [], "level": "ERROR", "propagate": False},
    },
}

# --- Operations (tipoff/ops; docs/deployment.md) ------------------------------------
# GET /metrics answers only with "Authorization: Bearer <METRICS_TOKEN>" (404 when unset).
METRICS_TOKEN = env_str("METRICS_TOKEN")
# Backups are encrypted with a key derived from this passphrase (manage.py backup).
BACKUP_PASSPHRASE = env_str("BACKUP_PASSPHRASE")

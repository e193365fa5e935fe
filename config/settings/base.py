"""All settings, driven by the environment (12-factor). See .env.example for every variable."""

from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from config.env import BASE_DIR, env

DEBUG = env.bool("OPENMASH_DEBUG", default=False)
DEMO_MODE = env.bool("OPENMASH_DEMO", default=False)

SECRET_KEY = env.str("OPENMASH_SECRET_KEY", default="")
if not SECRET_KEY:
    if DEBUG or DEMO_MODE:
        # Demo and development only: a per-process random key (sessions do not survive restarts).
        from django.core.management.utils import get_random_secret_key

        SECRET_KEY = get_random_secret_key()
    else:
        raise ImproperlyConfigured("OPENMASH_SECRET_KEY must be set (refusing to start without it).")

ALLOWED_HOSTS = env.list("OPENMASH_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if (DEBUG or DEMO_MODE) else [])
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("OPENMASH_ALLOWED_HOSTS must be set when debug/demo mode is off.")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "axes",
    "django_otp",  # second factors (ADR 0011): TOTP apps, one-time recovery codes; WebAuthn keys in accounts
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "csp",
    "ninja",  # serves its Swagger UI from our own static files (no CDN)
    "openmash.core",
    "openmash.accounts",
    "openmash.partnership",
    "openmash.audit",
    "openmash.people",
    "openmash.contacts",
    "openmash.enquiries",
    "openmash.casework",
    "openmash.sharing",
    "openmash.messaging",
    "openmash.feeds",
    "openmash.matching",
    "openmash.oversight",
    "openmash.patterns",
    "openmash.web",
    # GOV.UK form rendering (after openmash.web, whose templates/gds/ override a few of the pack's templates)
    "crispy_forms",
    "crispy_forms_gds",
]
CRISPY_ALLOWED_TEMPLATE_PACKS = ["gds"]
CRISPY_TEMPLATE_PACK = "gds"

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    # before WhiteNoise, so static files carry the CSP and X-Frame-Options too (HD-1, tests/test_security_headers.py)
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "openmash.core.middleware.RequestIdMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "openmash.core.middleware.UnusedMethodMiddleware",  # 405 for unused methods before CSRF's 403
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",  # request.user.is_verified(): the session passed its second factor
    "openmash.core.sessions.SessionAbsoluteTimeoutMiddleware",
    "openmash.accounts.mfa_middleware.MfaRequiredMiddleware",  # nothing but sign-in pages before the second factor
    "openmash.audit.middleware.DeniedAccessAuditMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "openmash.core.middleware.NoStoreMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "openmash.web.context_processors.actor",
            ],
        },
    }
]

# Database: embedded SQLite by default, anything else through DATABASE_URL (sqlite:///path, postgres://...).
(BASE_DIR / "var" / "static").mkdir(parents=True, exist_ok=True)
DATABASES = {"default": env.db_url("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'var' / 'openmash.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
        }
    )
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("OPENMASH_DB_CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "openmash.access.backends.ActiveMembershipBackend",
    "openmash.accounts.sso.SsoBackend",  # optional OIDC single sign-on: answers only its own callback (ADR 0018)
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 15}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:home"

# Lockout (django-axes; openmash/accounts/lockout.py): 10 failures per username + IP address lock that pair for 15
# minutes; 100 failures on one username in an hour, from any addresses, lock the account from every address
# (SECURITY-TESTS AU-2). No rule by IP address alone: a shared office address cannot lock colleagues out.
OPENMASH_LOCKOUT_FAILURES = env.int("OPENMASH_LOCKOUT_FAILURES", default=10)
OPENMASH_LOCKOUT_ACCOUNT_FAILURES_PER_HOUR = env.int("OPENMASH_LOCKOUT_ACCOUNT_FAILURES_PER_HOUR", default=100)
AXES_FAILURE_LIMIT = "openmash.accounts.lockout.failure_limit"
AXES_ENABLE_ACCESS_FAILURE_LOG = True  # one row per failure: the account-wide count
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# a single sign-on callback names no account: not counted under username '' (that would be a rule by address alone);
# openmash.accounts.sso counts a refusal under the account the provider named instead (ADR 0018 addendum)
AXES_WHITELIST_CALLABLE = "openmash.accounts.lockout.not_counted"
# A sign-in succeeds only with its second factor: the password alone resets nothing (openmash.accounts.mfa resets the
# username + address count once the second factor passes), so failed codes between passwords keep counting.
AXES_RESET_ON_SUCCESS = False
# masked in django-axes' log lines and attempt rows: the username and address (no personal data in logs, LG-3), the
# password, a one-time code, a recovery code
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "password", "code", "otp_token", "state"]
AXES_VERBOSE = False  # no start-up banner on every command
AXES_ENABLED = env.bool("OPENMASH_LOCKOUT_ENABLED", default=True)
AXES_LOCKOUT_TEMPLATE = "web/lockout.html"  # a GOV.UK page saying what happened and what to do

# Second factor (ADR 0011; openmash/accounts/mfa.py). Every user signs in with a password and then a TOTP code (an
# authenticator app, RFC 6238: 30 s steps, 6 digits, one step either side, each code once), a WebAuthn security key
# (user verification required) or one of their 10 one-time recovery codes. No SMS or email codes.
OTP_TOTP_ISSUER = env.str("OPENMASH_MFA_ISSUER", default="OpenMASH")  # the name authenticator apps show
OTP_TOTP_SYNC = False  # no drift learning: the window stays exactly one step either side of the server's clock
OTP_TOTP_THROTTLE_FACTOR = 1  # django-otp's back-off after a wrong code (1 s, 2 s, 4 s...), on top of the lockout
OTP_STATIC_THROTTLE_FACTOR = 1
# WebAuthn relying party: its id is the site's host name unless set (a parent domain of it, for keys shared by
# several hosts); the origin checked is the page's own (Django has checked its host against ALLOWED_HOSTS).
OPENMASH_WEBAUTHN_RP_ID = env.str("OPENMASH_WEBAUTHN_RP_ID", default="")
OPENMASH_WEBAUTHN_RP_NAME = env.str("OPENMASH_WEBAUTHN_RP_NAME", default="OpenMASH")

# Sessions: 15 minutes idle, 12 hours at most from sign-in (openmash/core/sessions.py), cookies locked down.
SESSION_COOKIE_AGE = env.int("OPENMASH_SESSION_IDLE_SECONDS", default=15 * 60)
OPENMASH_SESSION_ABSOLUTE_SECONDS = env.int("OPENMASH_SESSION_ABSOLUTE_SECONDS", default=12 * 60 * 60)
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
HTTPS = env.bool("OPENMASH_HTTPS", default=not (DEBUG or DEMO_MODE))
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
# Over HTTPS the cookies carry the __Host- prefix: the browser then accepts them only if Secure, from this host
# (no Domain) and for the whole site (Path=/), so a sibling subdomain cannot plant or overwrite them.
SESSION_COOKIE_NAME = "__Host-sessionid" if HTTPS else "sessionid"
CSRF_COOKIE_NAME = "__Host-csrftoken" if HTTPS else "csrftoken"
SESSION_COOKIE_PATH = CSRF_COOKIE_PATH = "/"
SESSION_COOKIE_DOMAIN = CSRF_COOKIE_DOMAIN = None
SECURE_SSL_REDIRECT = HTTPS and env.bool("OPENMASH_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = 31536000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS and env.bool("OPENMASH_HSTS_PRELOAD", default=True)
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env.bool("OPENMASH_BEHIND_PROXY", default=False) else None
)

# Permissions-Policy (django-permissions-policy): every powerful browser feature is off but WebAuthn, for this site.
_NO_FEATURES = (
    "accelerometer ambient-light-sensor autoplay bluetooth browsing-topics camera display-capture encrypted-media "
    "fullscreen geolocation gyroscope hid idle-detection interest-cohort local-fonts magnetometer microphone midi "
    "payment picture-in-picture screen-wake-lock serial sync-xhr usb web-share "
    "xr-spatial-tracking"
)
PERMISSIONS_POLICY: dict[str, list[str]] = {feature: [] for feature in _NO_FEATURES.split()}
# WebAuthn security keys (the second factor) on this site's own pages only
PERMISSIONS_POLICY["publickey-credentials-create"] = ["self"]
PERMISSIONS_POLICY["publickey-credentials-get"] = ["self"]

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = False
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
STATICFILES_DIRS = (
    [BASE_DIR / "openmash" / "web" / "assets_build"]
    if (BASE_DIR / "openmash" / "web" / "assets_build").exists()
    else []
)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

# Limits on what a request may carry.
DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
OPENMASH_MAX_NARRATIVE_CHARS = env.int("OPENMASH_MAX_NARRATIVE_CHARS", default=20000)
# Patterns across agencies (issue 8): a child screened out as no further action or early help stays on the hub's
# watch-list this many days; one whose contacts in twelve months reach the count is escalated.
OPENMASH_WATCH_DAYS = env.int("OPENMASH_WATCH_DAYS", default=90)
OPENMASH_WATCH_ESCALATE_CONTACTS = env.int("OPENMASH_WATCH_ESCALATE_CONTACTS", default=3)
OPENMASH_SEARCH_MAX_RESULTS = 20
# Searches one user may make in any 60 seconds before search answers 429 and the hub's managers are alerted
# (SECURITY-TESTS.md PF-2; 0 turns the limit off, for benchmarks only). Counted in the audit trail, so every worker
# process shares the count.
OPENMASH_SEARCH_RATE_PER_MINUTE = env.int("OPENMASH_SEARCH_RATE_PER_MINUTE", default=30)
OPENMASH_AUDIT_EXPORT_MAX = env.int("OPENMASH_AUDIT_EXPORT_MAX", default=100_000)  # rows in one CSV export
# Tamper evidence (openmash.audit.chain, ADR 0010): `openmash serve` seals new audit events into the hash chain every
# OPENMASH_AUDIT_SEAL_SECONDS and signs a checkpoint every OPENMASH_AUDIT_CHECKPOINT_MINUTES (0 turns either off, for a
# deployment that runs `openmash audit seal` / `openmash audit checkpoint` from a scheduler), appended to the checkpoint
# file, which belongs outside the database host and its backups (relative paths are under the checkout).
OPENMASH_AUDIT_SEAL_SECONDS = env.int("OPENMASH_AUDIT_SEAL_SECONDS", default=60)
OPENMASH_AUDIT_CHECKPOINT_MINUTES = env.int("OPENMASH_AUDIT_CHECKPOINT_MINUTES", default=5)
OPENMASH_AUDIT_CHECKPOINT_FILE = BASE_DIR / env.str(
    "OPENMASH_AUDIT_CHECKPOINT_FILE", default="var/audit-checkpoints.jsonl"
)  # or absolute
# Hours a contact being recorded is kept for its recorder after they were signed out (practitioner review, fault 2).
OPENMASH_INTAKE_DRAFT_HOURS = env.int("OPENMASH_INTAKE_DRAFT_HOURS", default=24)
# Seconds before the idle sign-out that the GOV.UK timeout warning opens ("Stay signed in").
OPENMASH_TIMEOUT_WARNING_SECONDS = env.int("OPENMASH_TIMEOUT_WARNING_SECONDS", default=120)
# Days an API bearer token works for after it is created (issue 5, fault 3). Revocation stops it sooner.
OPENMASH_API_TOKEN_DAYS = env.int("OPENMASH_API_TOKEN_DAYS", default=90)
# Step-up authentication (ASVS 5.0 7.5.3): a password entered again is fresh for this long in one session, before a
# highly sensitive action (break-glass, subject access export). openmash/accounts/stepup.py
OPENMASH_STEPUP_SECONDS = env.int("OPENMASH_STEPUP_SECONDS", default=300)
# Break-glass (issue 7): how long emergency access to one person's record lasts. openmash/oversight
OPENMASH_BREAK_GLASS_MINUTES = env.int("OPENMASH_BREAK_GLASS_MINUTES", default=60)
# ...and how many calendar days its privacy alert may wait for review before it is overdue (ADR 0014 addendum)
OPENMASH_BREAK_GLASS_REVIEW_DAYS = env.int("OPENMASH_BREAK_GLASS_REVIEW_DAYS", default=7)
# Optional OIDC single sign-on for partner identity providers (ADR 0018; openmash/accounts/sso.py; mozilla-django-oidc).
# Off unless OPENMASH_OIDC_CLIENT_ID is set. Users are never created by a sign-on: the claim named by
# OPENMASH_OIDC_USER_CLAIM (default email) must match exactly one existing, active user. The ID token must come from
# OPENMASH_OIDC_ISSUER for this client and assert multi-factor authentication: `amr` holding one of
# OPENMASH_OIDC_MFA_AMR (RFC 8176; default mfa) or `acr` one of OPENMASH_OIDC_MFA_ACR; otherwise it is refused.
OPENMASH_OIDC_ENABLED = bool(env.str("OPENMASH_OIDC_CLIENT_ID", default=""))
OPENMASH_OIDC_LABEL = env.str("OPENMASH_OIDC_LABEL", default="your organisation's account")
OPENMASH_OIDC_ISSUER = env.str("OPENMASH_OIDC_ISSUER", default="")
OPENMASH_OIDC_USER_CLAIM = env.str("OPENMASH_OIDC_USER_CLAIM", default="email")
OPENMASH_OIDC_MFA_AMR = env.list("OPENMASH_OIDC_MFA_AMR", default=["mfa"])
OPENMASH_OIDC_MFA_ACR = env.list("OPENMASH_OIDC_MFA_ACR", default=[])
OIDC_RP_CLIENT_ID = env.str("OPENMASH_OIDC_CLIENT_ID", default="")
OIDC_RP_CLIENT_SECRET = env.str("OPENMASH_OIDC_CLIENT_SECRET", default="")
OIDC_OP_AUTHORIZATION_ENDPOINT = env.str("OPENMASH_OIDC_AUTHORIZATION_ENDPOINT", default="")
OIDC_OP_TOKEN_ENDPOINT = env.str("OPENMASH_OIDC_TOKEN_ENDPOINT", default="")
OIDC_OP_USER_ENDPOINT = env.str("OPENMASH_OIDC_USERINFO_ENDPOINT", default="")
OIDC_OP_JWKS_ENDPOINT = env.str("OPENMASH_OIDC_JWKS_ENDPOINT", default="") or None
# Provider sign-out (RP-Initiated Logout 1.0; ADR 0018 addendum): the provider's end_session_endpoint. Unset: signing
# out ends the OpenMASH session only. Register our sign-in page (/login/) as a post-logout redirect URI with it.
OPENMASH_OIDC_LOGOUT_ENDPOINT = env.str("OPENMASH_OIDC_OP_LOGOUT_ENDPOINT", default="")
OIDC_OP_LOGOUT_URL_METHOD = "openmash.accounts.sso.provider_logout_url"
# Step-up through the provider: its auth_time must be no older than this (seconds) when the answer comes back.
OPENMASH_OIDC_STEPUP_MAX_AGE = env.int("OPENMASH_OIDC_STEPUP_MAX_AGE", default=300)
OIDC_RP_SIGN_ALGO = env.str("OPENMASH_OIDC_SIGN_ALGO", default="RS256")
OIDC_RP_SCOPES = env.str("OPENMASH_OIDC_SCOPES", default="openid email")
OIDC_USE_PKCE = True
OIDC_USE_NONCE = True
OIDC_CREATE_USER = False
OIDC_TIMEOUT = 10
OIDC_AUTHENTICATION_CALLBACK_URL = "sso:callback"
OIDC_REDIRECT_FIELD_NAME = "next"
if OPENMASH_OIDC_ENABLED:
    _missing = [
        name
        for name, value in [
            ("OPENMASH_OIDC_CLIENT_SECRET", OIDC_RP_CLIENT_SECRET),
            ("OPENMASH_OIDC_ISSUER", OPENMASH_OIDC_ISSUER),
            ("OPENMASH_OIDC_AUTHORIZATION_ENDPOINT", OIDC_OP_AUTHORIZATION_ENDPOINT),
            ("OPENMASH_OIDC_TOKEN_ENDPOINT", OIDC_OP_TOKEN_ENDPOINT),
            ("OPENMASH_OIDC_USERINFO_ENDPOINT", OIDC_OP_USER_ENDPOINT),
        ]
        if not value
    ]
    if OIDC_RP_SIGN_ALGO[:2] in ("RS", "ES", "PS") and not OIDC_OP_JWKS_ENDPOINT:
        _missing.append("OPENMASH_OIDC_JWKS_ENDPOINT")
    if _missing:
        raise ImproperlyConfigured("single sign-on is on (OPENMASH_OIDC_CLIENT_ID) but not set: " + ", ".join(_missing))
# Agency data feeds (openmash/feeds, ADR 0006). Uploaded files wait in the spool directory (mode 0600) until their
# import finishes, then are deleted. A browser import runs in a thread of the web process ("thread") or in its own
# `openmash import --batch ID` process ("subprocess"); "none" leaves it pending for a worker to run.
# Keys held outside the database (openmash.core.keys): a key file (openmash keys generate), or each key from the
# environment. Field encryption (openmash.core.crypto) and the audit trail's MAC and checkpoint signatures use them.
OPENMASH_KEY_FILE = env.str("OPENMASH_KEY_FILE", default="")
OPENMASH_FIELD_KEYS = env.str("OPENMASH_FIELD_KEYS", default="")
OPENMASH_FIELD_KEY_CURRENT = env.int("OPENMASH_FIELD_KEY_CURRENT", default=0) or None
OPENMASH_AUDIT_MAC_KEY = env.str("OPENMASH_AUDIT_MAC_KEY", default="")
OPENMASH_AUDIT_SIGNING_KEY = env.str("OPENMASH_AUDIT_SIGNING_KEY", default="")
OPENMASH_IMPORT_SPOOL_DIR = BASE_DIR / env.str("OPENMASH_IMPORT_SPOOL_DIR", default="var/imports")  # or absolute
OPENMASH_IMPORT_RUNNER = env.str("OPENMASH_IMPORT_RUNNER", default="thread")
# Where the phrase reader keeps its compiled expressions between processes (patterns.indicators.compiled_cache_set):
# a new process loads them instead of compiling again (seconds of CPU per import). Empty: compiled in every process.
_PHRASE_CACHE = env.str("OPENMASH_PHRASE_CACHE_DIR", default="var/phrase-cache")
OPENMASH_PHRASE_CACHE_DIR = (BASE_DIR / _PHRASE_CACHE) if _PHRASE_CACHE else None  # or absolute
# After an import finishes (browser or `openmash import`, unless --no-score), score the records due: the import's and
# every intake record stored since the last run (ADR 0009). `openmash link records` also runs on a schedule (README).
OPENMASH_SCORE_AFTER_IMPORT = env.bool("OPENMASH_SCORE_AFTER_IMPORT", default=True)
# A partnership's own short forms of given names (a YAML file like linkage/data/nicknames_extra.yaml: "full name:
# [short, ...]"), added to the shipped supplement of the maintained nicknames list; search and matching both use them.
_NICKNAMES_EXTRA = env.str("OPENMASH_NICKNAMES_EXTRA", default="")
OPENMASH_NICKNAMES_EXTRA = (BASE_DIR / _NICKNAMES_EXTRA) if _NICKNAMES_EXTRA else None  # or absolute
# After a successful import, read its events into indicators and evaluate the children touched (ADR 0015).
OPENMASH_FLAGS_AFTER_IMPORT = env.bool("OPENMASH_FLAGS_AFTER_IMPORT", default=True)
OPENMASH_IMPORT_MAX_UPLOAD_BYTES = env.int("OPENMASH_IMPORT_MAX_UPLOAD_BYTES", default=512 * 1024 * 1024)
OPENMASH_IMPORT_MAX_UNCOMPRESSED_BYTES = env.int("OPENMASH_IMPORT_MAX_UNCOMPRESSED_BYTES", default=4 * 1024**3)
OPENMASH_IMPORT_FHIR_MAX_BYTES = env.int("OPENMASH_IMPORT_FHIR_MAX_BYTES", default=64 * 1024 * 1024)
# Secure messages (openmash/messaging, ADR 0017): the largest attachment accepted, in bytes (checked before it is
# read into memory; the reverse proxy should also cap request bodies at about 5 x this, the most files a message takes)
OPENMASH_ATTACHMENT_MAX_BYTES = env.int("OPENMASH_ATTACHMENT_MAX_BYTES", default=10 * 1024 * 1024)
# ClamAV's clamd for attachments (openmash/messaging/virusscan.py): tcp://HOST:PORT or unix:///PATH; empty = no scan.
# When set, a file is refused if the scanner finds malware or cannot complete the scan (fail closed).
OPENMASH_CLAMD_URL = env.str("OPENMASH_CLAMD_URL", default="")
OPENMASH_CLAMD_TIMEOUT = env.float("OPENMASH_CLAMD_TIMEOUT", default=30.0)
OPENMASH_IMPORT_MAX_ROWS = env.int("OPENMASH_IMPORT_MAX_ROWS", default=5_000_000)
OPENMASH_IMPORT_CHUNK_ROWS = env.int("OPENMASH_IMPORT_CHUNK_ROWS", default=2000)
# Interactive API docs at /api/v1/docs (the OpenAPI document itself is always at /api/v1/openapi.json).
OPENMASH_API_DOCS = env.bool("OPENMASH_API_DOCS", default=DEBUG or DEMO_MODE)

# The site's address as users reach it (https://mash.example.gov.uk), put before a link given to someone outside a
# request: the command line's set-password links, the password reset email (openmash.core.links.site_url).
# Demo and debug: http://127.0.0.1:8000.
OPENMASH_BASE_URL = env.str(
    "OPENMASH_BASE_URL", default="http://127.0.0.1:8000" if (DEBUG or DEMO_MODE) else ""
).rstrip("/")

# Email: only password reset links to the user's own address (no personal data in any email). Demo and debug
# print emails to the console; a deployment names its relay (TLS) with the OPENMASH_EMAIL_* variables.
EMAIL_BACKEND = env.str(
    "OPENMASH_EMAIL_BACKEND",
    default="django.core.mail.backends.console.EmailBackend"
    if (DEBUG or DEMO_MODE)
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env.str("OPENMASH_EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("OPENMASH_EMAIL_PORT", default=587)
EMAIL_HOST_USER = env.str("OPENMASH_EMAIL_USER", default="")
EMAIL_HOST_PASSWORD = env.str("OPENMASH_EMAIL_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("OPENMASH_EMAIL_USE_TLS", default=True)
EMAIL_TIMEOUT = 20
DEFAULT_FROM_EMAIL = env.str("OPENMASH_EMAIL_FROM", default="OpenMASH <no-reply@localhost>")

# Logging: no personal data; the request id ties a line to the audit trail.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "openmash.core.logging.RequestIdFilter"},
        # secrets in URLs (the set-password token) and query strings redacted, control characters escaped
        "redact": {"()": "openmash.core.logging.RedactFilter"},
        # a refused request (4xx) is one line, not a traceback (practitioner review)
        "client_errors": {"()": "openmash.core.logging.ClientErrorFilter"},
    },
    "formatters": {
        "plain": {
            # tracebacks without the exception's message, which may hold personal data (LG-3)
            "()": "openmash.core.logging.PlainFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s",
        }
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["request_id", "redact", "client_errors"],
        }
    },
    "root": {"handlers": ["console"], "level": env.str("OPENMASH_LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
        # replaces Django's default handlers for "django", so no error is ever emailed to ADMINS with the request's
        # data (EM-1: django.utils.log.AdminEmailHandler sends the POST body and the traceback); records still
        # reach the root handler above
        "django": {"handlers": [], "level": "INFO", "propagate": True},
    },
}

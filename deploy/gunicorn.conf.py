"""gunicorn settings for zhiban in production: several processes, each with a few threads.

Start with `gunicorn -c deploy/gunicorn.conf.py` (the application is set below); any command-line
option overrides the value here, e.g. `gunicorn -c deploy/gunicorn.conf.py -w 8`.
"""

import os

wsgi_app = "zhiban.config.wsgi:application"
proc_name = "zhiban"

# Behind nginx on the same host; set ZHIBAN_BIND=0.0.0.0:8000 only if the proxy is elsewhere.
bind = os.environ.get("ZHIBAN_BIND", "127.0.0.1:8000")

# Processes share nothing but the database: sessions, locks, timers and queues are rows.
# A rule of thumb is 2-4 processes per core; each process serves `threads` requests at a time.
workers = int(os.environ.get("WEB_CONCURRENCY", "4"))
threads = int(os.environ.get("ZHIBAN_WEB_THREADS", "4"))
worker_class = "gthread"

# Exports and imports may take a while; anything longer is a bug to find, not to wait for.
timeout = 60
graceful_timeout = 30
keepalive = 5

# Replace each process after a while, so a slow leak never grows into an outage.
max_requests = 50000  # recycling guards against slow leaks; at 2,000 workers restarted nine times a minute under load
max_requests_jitter = 5000

# Heartbeat files on tmpfs, so a slow disk cannot make the master kill healthy workers.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None

# No runtime control socket: one fewer thing listening, and two instances cannot collide on
# the default $HOME/.gunicorn/gunicorn.ctl.
control_socket_disable = True

# Logs to stdout/stderr: systemd's journal keeps them.
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")

# Only the proxy on this host may tell gunicorn the request came over HTTPS.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

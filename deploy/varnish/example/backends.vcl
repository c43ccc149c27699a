# The gunicorn hosts behind songfacts.vcl: an example for two. Each takes its turn and is
# probed on /healthz (the probe "healthz" in songfacts.vcl); add a host with a backend and
# both add_backend lines. deploy/cluster.py writes its own.
backend web1 {
    .host = "10.0.1.11";
    .port = "8000";
    .probe = healthz;
    .connect_timeout = 1s;
    # gunicorn's own timeout (gunicorn.conf.py) ends a request first.
    .first_byte_timeout = 35s;
}

backend web2 {
    .host = "10.0.1.12";
    .port = "8000";
    .probe = healthz;
    .connect_timeout = 1s;
    .first_byte_timeout = 35s;
}

sub vcl_init {
    hosts.add_backend(web1);
    hosts.add_backend(web2);
    spares.add_backend(web1);
    spares.add_backend(web2);
}

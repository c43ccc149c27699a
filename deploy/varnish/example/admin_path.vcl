# The admin's path, settings.ADMIN_PATH ("admin/" unless set): never cached. A deployment that
# sets another writes its own copy of this file (deploy/cluster.py does).
sub admin_path {
    if (req.url ~ "^/admin/") {
        return (pass);
    }
}

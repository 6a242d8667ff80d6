-- Each service creates and migrates its own database, as on the native route.
GRANT ALL PRIVILEGES ON *.* TO 'nimbus'@'%' WITH GRANT OPTION;
FLUSH PRIVILEGES;

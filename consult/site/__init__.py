"""Site administration: settings, editable legal and help pages, backups."""

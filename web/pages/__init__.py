"""The staff's pages, one module per page family: the reception desk, the department
inbox and task pages, the dossier pages, and the printable papers; `base` and `sla`
hold what they share."""

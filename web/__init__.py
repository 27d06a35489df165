"""Liên Thông's front ends: the Flask app and the `lienthong` command line."""

"""Data files read by pipeline modules (a package so that installs ship them)."""

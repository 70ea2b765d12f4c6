"""The first line's pages, one module per part of the desk (desk/urls.py names them)."""

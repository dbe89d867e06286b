"""Tests of sestemplates.handlebars (a package so module names cannot clash with other areas)."""

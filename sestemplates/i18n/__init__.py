"""Localised templates: one source, gettext catalogs (Babel), one SES template per locale.

- `paths`: where the catalogs live (Babel's layout) and each locale's text direction;
- `po`: reading a catalog with Babel, its errors as ours (file:line);
- `setup`: the Jinja i18n extension and one locale's translations for the build;
- `catalogs`: `i18n extract / init / update / stats`, wrapping Babel's own functions;
- `tags`: a translation keeps its msgid's Handlebars tags (a build stage for catalogs);
- `check`: the catalog diagnostics `check` reports (tags, fuzzy, untranslated, contracts).

Babel is imported only inside the functions that read or write catalogs, so a project without
`locales` never loads it.
"""

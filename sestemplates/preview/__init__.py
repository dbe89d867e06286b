"""`sestemplates preview`: a local web app that renders every template × sample with the SES
engine and reloads open pages when a source, layout, partial, sample or the config changes.

Modules: state.py (snapshots of the built project), app.py (routes and page data), pages.py
(HTML of the preview's own pages), watch.py (file watcher), server.py (`run_preview`).
"""

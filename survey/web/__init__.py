"""The Flask app: factory, configuration, thin blueprints, forms, templates, static files and
the French catalogue. Views load, validate, call the core or the store, and render."""

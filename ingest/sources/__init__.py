"""Where articles come from: files (here), feeds and web pages."""

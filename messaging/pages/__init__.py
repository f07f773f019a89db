"""Server-rendered pages: messaging in the browser, with or without JavaScript."""

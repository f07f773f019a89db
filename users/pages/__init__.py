"""Server-rendered pages of the users app: logging in and out."""

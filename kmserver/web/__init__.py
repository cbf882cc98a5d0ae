"""The web side of kmserver: the web app, its cookie session and the public help centre."""

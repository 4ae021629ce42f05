"""Weibo fans service: echostr check with the app secret, JSON pushes, passive JSON replies."""

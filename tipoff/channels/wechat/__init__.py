"""WeChat official account: URL check, plain and safe (AES) modes, passive XML replies."""

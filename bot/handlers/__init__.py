"""One module per feature; each exports ``handlers()`` or ``build_<name>_conversation()``."""

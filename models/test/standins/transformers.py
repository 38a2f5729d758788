"""Stand-in for transformers (not packaged by Debian): dreamsim 0.2.1 imports ViTMAEModel for MAE backbones only."""
ViTMAEModel = None

"""Stand-in for open_clip (not packaged by Debian): dreamsim 0.2.1 imports it but loads OpenCLIP weights itself."""

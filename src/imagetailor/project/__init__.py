"""The project: tailor.toml (validated), detection, the questions of `tailor init`, base maps."""

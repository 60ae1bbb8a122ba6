"""mubiao (目标): decompose plan targets to districts, then track, check, rank and report them."""

__version__ = "0.1.0"

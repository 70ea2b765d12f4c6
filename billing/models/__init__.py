from .charges import ChargeLine

__all__ = ["ChargeLine"]

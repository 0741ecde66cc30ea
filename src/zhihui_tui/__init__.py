"""执行指挥中心实体化运行系统 — terminal system for the enforcement command centre."""

__version__ = "0.1.0"

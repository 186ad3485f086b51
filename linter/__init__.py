"""job2pod: migrate Kubernetes Job-based task execution to the Pod-based Task model."""

__version__ = "0.1.0"
__url__ = "https://github.com/job2pod/job2pod"

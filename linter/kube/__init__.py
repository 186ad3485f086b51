"""What a Job is and how it becomes a Pod: the Kubernetes knowledge the checks share."""

"""Runs each Task as a Job that wraps one Pod, and stops it by suspending the Job."""

from kubernetes import client

batch = client.BatchV1Api()


def build_job(name: str, image: str) -> client.V1Job:
    return client.V1Job(
        api_version="batch/v1",
        kind="Job",
        metadata=client.V1ObjectMeta(name=name, labels={"tasks.example.dev/task": name}),
        spec=client.V1JobSpec(
            backoff_limit=0,
            ttl_seconds_after_finished=600,
            template=client.V1PodTemplateSpec(
                spec=client.V1PodSpec(
                    restart_policy="Never",
                    containers=[client.V1Container(name="task", image=image)],
                ),
            ),
        ),
    )


def start(name: str, namespace: str, image: str) -> None:
    batch.create_namespaced_job(namespace, build_job(name, image))


def stop(name: str, namespace: str) -> None:
    batch.patch_namespaced_job(name, namespace, {"spec": {"suspend": True}})


def finished(name: str, namespace: str) -> bool:
    job = batch.read_namespaced_job_status(name, namespace)
    return bool(job.status.succeeded or job.status.failed)

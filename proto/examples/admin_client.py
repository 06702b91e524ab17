# A gsctl-like client written only from proto/: pynng + protoc-generated Python (checked against
# the Swift server on 2026-11-28 with pynng and grpcio-tools from PyPI).
import sys, uuid
# Generate first: python -m grpc_tools.protoc --proto_path=proto --python_out=GEN proto/greenstream/v1/*.proto
# then run: PYTHONPATH=GEN python proto/examples/admin_client.py tcp://HOST:PORT TOKEN
import pynng
from greenstream.v1 import envelope_pb2, admin_pb2, common_pb2
url, token = sys.argv[1], sys.argv[2]
client_id = "python-" + uuid.uuid4().hex[:8]  # one per client: the coordinator keeps replies per client id
with pynng.Req0(dial=url, recv_timeout=5000) as s:
    def call(**body):
        req = envelope_pb2.Request()
        req.header.request_id = uuid.uuid4().hex
        req.header.cluster_token = token
        req.header.protocol_version = envelope_pb2.PROTOCOL_VERSION_V1
        req.header.client_id = client_id
        for k, v in body.items(): getattr(req, k).CopyFrom(v)
        s.send(req.SerializeToString())
        rep = envelope_pb2.Reply(); rep.ParseFromString(s.recv())
        assert rep.request_id == req.header.request_id or rep.WhichOneof("body") == "error"
        return rep
    r = call(list_jobs=admin_pb2.ListJobsRequest(state=common_pb2.JOB_STATE_QUARANTINED, limit=3, before_job_id=100))
    print(r.WhichOneof("body"), [(j.job_id, common_pb2.JobState.Name(j.state)) for j in r.list_jobs.jobs], r.list_jobs.next_before_job_id)
    r = call(show_job=admin_pb2.ShowJobRequest(job_id=-5))
    print(r.WhichOneof("body"), envelope_pb2.ErrorCode.Name(r.error.code), r.error.message)
    r = call(stats=admin_pb2.StatsRequest())
    print(r.WhichOneof("body"), r.stats.readings_stored, [(common_pb2.JobState.Name(c.state), c.count) for c in r.stats.jobs_by_state])
    token = "nope"
    r = call(stats=admin_pb2.StatsRequest())
    print(r.WhichOneof("body"), envelope_pb2.ErrorCode.Name(r.error.code), r.error.message)

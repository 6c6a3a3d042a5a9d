# SPDX-License-Identifier: Apache-2.0
"""Type stubs of libplatform._core (the C++ extension). Keep in step with bind_*.cpp."""

import datetime
import os
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple, Union

__version__: str

_Path = Union[str, os.PathLike]
_Bytes = Union[bytes, bytearray, memoryview, str]
_Duration = Union[datetime.timedelta, float]

def _raise_status(code: str, message: str, details: List[Dict[str, str]] = ...) -> None: ...

# --- spec -------------------------------------------------------------------

class _Record:
    _fields: Tuple[str, ...]
    def __init__(self, **fields: Any) -> None: ...
    def to_dict(self) -> Dict[str, Any]: ...
    def __eq__(self, other: object) -> bool: ...

class Namespaces(_Record):
    operators: str
    kafka: str
    rabbitmq: str
    camelk: str
    backstage: str
    argocd: str

class OperatorSpec(_Record):
    version: str
    watch_namespaces: List[str]
    watch_all: bool

class Operators(_Record):
    strimzi: OperatorSpec
    rabbitmq: OperatorSpec
    camel_k: OperatorSpec

class KafkaListener(_Record):
    name: str
    port: int
    tls: bool
    type: str

class KafkaTopic(_Record):
    name: str
    partitions: int
    replicas: int
    config: Dict[str, str]

class KafkaSpec(_Record):
    name: str
    version: str
    brokers: int
    zookeeper_replicas: int
    storage_size: str
    zookeeper_storage_size: str
    listeners: List[KafkaListener]
    topics: List[KafkaTopic]
    metrics: bool
    sasl_plain: bool
    config: Dict[str, str]

class RabbitmqSpec(_Record):
    name: str
    replicas: int
    storage_size: str
    plugins: List[str]
    amqp_port: int
    management_port: int
    prometheus_port: int
    peer_discovery: str
    default_queue_type: str

class ContainerResources(_Record):
    request_cpu: str
    request_memory: str
    limit_cpu: str
    limit_memory: str

class CamelKSpec(_Record):
    maven_settings_configmap: str
    maven_settings_key: str
    maven_mirror: str
    build_strategy: str
    runtime: str
    languages: List[str]
    registry_address: str
    registry_insecure: bool
    integration_resources: ContainerResources

class BackstageSpec(_Record):
    image: str
    replicas: int
    port: int
    postgres_version: str
    postgres_storage_size: str
    auth: str
    credentials_secret: str
    features: List[str]

class GitSource(_Record):
    repo_url: str
    revision: str
    path: str

class SyncWaves(_Record):
    operators: int
    infrastructure: int
    applications: int
    tenants: int

class ArgoCdSpec(_Record):
    version: str
    project: str
    auto_sync: bool
    self_heal: bool
    prune: bool
    rbac_default_policy: str
    waves: SyncWaves

class Quota(_Record):
    requests_cpu: str
    requests_memory: str
    limits_cpu: str
    limits_memory: str
    persistentvolumeclaims: int
    services: int
    pods: int

class TenantDefaults(_Record):
    quota: Quota
    container: ContainerResources

class Tenant(_Record):
    name: str
    quota: Quota
    container: ContainerResources

class PortMapping(_Record):
    container_port: int
    host_port: int

class KindCluster(_Record):
    name: str
    control_planes: int
    workers: int
    port_mappings: List[PortMapping]

class PlatformSpec(_Record):
    name: str
    profile: str
    storage_class: str
    namespaces: Namespaces
    operators: Operators
    kafka: KafkaSpec
    rabbitmq: RabbitmqSpec
    camel_k: CamelKSpec
    backstage: BackstageSpec
    argocd: ArgoCdSpec
    source: GitSource
    tenant_defaults: TenantDefaults
    tenants: List[Tenant]
    kind: KindCluster
    def to_yaml(self) -> str: ...
    def to_json(self) -> str: ...
    def check(self) -> None: ...
    def _repr_html_(self) -> str: ...

def default_spec(set: Sequence[str] = ...) -> PlatformSpec: ...
def load_spec(path: _Path, set: Sequence[str] = ...) -> PlatformSpec: ...
def parse_spec(yaml: str, source_name: str = ..., set: Sequence[str] = ...) -> PlatformSpec: ...
def init_yaml() -> str: ...
def spec_fields() -> List[Dict[str, str]]: ...

# --- message ----------------------------------------------------------------

class Message:
    key: bytes
    payload: bytes
    headers: List[Tuple[str, bytes]]
    timestamp_ms: Optional[int]
    def __init__(self, payload: _Bytes = ..., key: _Bytes = ..., headers: Sequence[Tuple[str, _Bytes]] = ...,
                 timestamp_ms: Optional[int] = ...) -> None: ...
    def header(self, name: str) -> Optional[bytes]: ...

# --- render -----------------------------------------------------------------

class Component:
    name: str
    wave: int
    application: str
    namespace: str
    directory: str
    source: str

class Manifest:
    path: str
    component: str
    wave: int
    in_cluster: bool
    api_version: str
    kind: str
    name: str
    namespace: str
    def to_dict(self) -> Dict[str, Any]: ...
    def to_yaml(self) -> str: ...

class RenderedTree:
    components: List[Component]
    manifests: List[Manifest]
    def objects(self) -> List[Dict[str, Any]]: ...
    def to_yaml(self) -> str: ...
    def to_json(self) -> str: ...
    def files(self) -> Dict[str, str]: ...
    def write(self, directory: _Path) -> None: ...
    def summary(self) -> str: ...
    def __len__(self) -> int: ...
    def _repr_html_(self) -> str: ...

def render(spec: PlatformSpec = ..., tenants: bool = ...) -> RenderedTree: ...
def tenant_namespace(tenant: Tenant) -> str: ...

# --- validate ---------------------------------------------------------------

class Finding:
    severity: str
    file: str
    document: int
    kind: str
    name: str
    path: str
    line: int
    column: int
    rule: str
    message: str
    def to_dict(self) -> Dict[str, Any]: ...

class ValidationReport:
    findings: List[Finding]
    files: int
    documents: int
    unchecked: int
    error_count: int
    valid: bool
    def summary(self) -> str: ...
    def to_text(self) -> str: ...
    def to_json(self) -> str: ...
    def raise_if_invalid(self) -> None: ...
    def __bool__(self) -> bool: ...
    def _repr_html_(self) -> str: ...

def validate_path(path: _Path, schemas: bool = ..., rules: bool = ..., skip_rules: Sequence[str] = ...,
                  unknown_kinds_are_errors: bool = ...) -> ValidationReport: ...
def validate_sources(sources: Sequence[Tuple[str, str]], schemas: bool = ..., rules: bool = ...,
                     skip_rules: Sequence[str] = ..., unknown_kinds_are_errors: bool = ...) -> ValidationReport: ...
def validation_rules() -> List[Dict[str, str]]: ...
def validation_schemas() -> List[Dict[str, str]]: ...

# --- amqp -------------------------------------------------------------------

class AmqpTls:
    enabled: bool
    ca_cert_file: str
    client_cert_file: str
    client_key_file: str
    verify_peer: bool
    verify_hostname: bool
    def __init__(self, **fields: Any) -> None: ...

class AmqpReconnect:
    initial_backoff: datetime.timedelta
    max_backoff: datetime.timedelta
    max_attempts: int
    def __init__(self, **fields: Any) -> None: ...

class AmqpConnection:
    host: str
    port: int
    vhost: str
    username: str
    password: str
    heartbeat: datetime.timedelta
    connect_timeout: datetime.timedelta
    rpc_timeout: datetime.timedelta
    frame_max: int
    tls: AmqpTls
    reconnect: AmqpReconnect
    connection_name: str
    def __init__(self, **fields: Any) -> None: ...

class AmqpProperties:
    content_type: Optional[str]
    content_encoding: Optional[str]
    headers: Dict[str, Any]
    delivery_mode: Optional[int]
    priority: Optional[int]
    correlation_id: Optional[str]
    reply_to: Optional[str]
    expiration: Optional[str]
    message_id: Optional[str]
    timestamp: Optional[int]
    type: Optional[str]
    user_id: Optional[str]
    app_id: Optional[str]
    def __init__(self, **fields: Any) -> None: ...

class Confirmation:
    ticket: int
    outcome: str
    ok: bool
    message: str

class AmqpPublisherStats:
    published: int
    confirmed: int
    returned: int
    nacked: int
    failed: int
    republished: int
    reconnections: int

class _Client:
    address: str
    def close(self) -> None: ...
    def __enter__(self: Any) -> Any: ...
    def __exit__(self, *args: Any) -> None: ...

class AmqpPublisher(_Client):
    unconfirmed: int
    stats: AmqpPublisherStats
    def __init__(self, connection: AmqpConnection = ..., confirm_window: int = ..., mandatory: bool = ...,
                 on_confirm: Optional[Callable[[Confirmation], None]] = ..., publish_timeout: _Duration = ...) -> None: ...
    def publish(self, exchange: str, routing_key: str, message: Message, properties: AmqpProperties = ...,
                on_confirm: Optional[Callable[[Confirmation], None]] = ...) -> int: ...
    def poll(self) -> None: ...
    def wait_for_confirms(self, timeout: _Duration = ...) -> None: ...

class AmqpDelivery:
    delivery_tag: int
    exchange: str
    routing_key: str
    redelivered: bool
    properties: AmqpProperties
    message: Message

class AmqpConsumerStats:
    delivered: int
    redelivered: int
    acked: int
    reconnections: int

class AmqpConsumer(_Client):
    stats: AmqpConsumerStats
    def __init__(self, connection: AmqpConnection = ..., *, queue: str, prefetch: int = ..., consumer_tag: str = ...,
                 exclusive: bool = ...) -> None: ...
    def consume(self, timeout: _Duration = ...) -> Optional[AmqpDelivery]: ...
    def ack(self, delivery_tag: int, multiple: bool = ...) -> None: ...
    def nack(self, delivery_tag: int, multiple: bool = ..., requeue: bool = ...) -> None: ...
    def reject(self, delivery_tag: int, requeue: bool = ...) -> None: ...

class AmqpQueueInfo:
    name: str
    message_count: int
    consumer_count: int

class AmqpTopology(_Client):
    def __init__(self, connection: AmqpConnection = ...) -> None: ...
    def declare_queue(self, name: str, type: str = ..., durable: bool = ..., max_length: Optional[int] = ...,
                      overflow: str = ..., message_ttl_ms: Optional[int] = ...,
                      dead_letter_exchange: str = ...) -> AmqpQueueInfo: ...
    def declare_exchange(self, name: str, type: str = ..., durable: bool = ...) -> None: ...
    def bind_queue(self, queue: str, exchange: str, routing_key: str) -> None: ...
    def inspect_queue(self, queue: str) -> AmqpQueueInfo: ...
    def purge_queue(self, queue: str) -> int: ...
    def delete_queue(self, queue: str) -> int: ...
    def delete_exchange(self, exchange: str) -> None: ...

# --- kafka ------------------------------------------------------------------

import enum as _enum

_Partitions = Sequence[Tuple[str, int]]

class KafkaApi(_enum.IntEnum):
    PRODUCE: int
    FETCH: int
    LIST_OFFSETS: int
    METADATA: int
    OFFSET_COMMIT: int
    OFFSET_FETCH: int
    FIND_COORDINATOR: int
    JOIN_GROUP: int
    HEARTBEAT: int
    LEAVE_GROUP: int
    SYNC_GROUP: int
    API_VERSIONS: int
    INIT_PRODUCER_ID: int
    ADD_PARTITIONS_TO_TXN: int
    ADD_OFFSETS_TO_TXN: int
    END_TXN: int
    TXN_OFFSET_COMMIT: int

class BrokerError(_enum.IntEnum):
    TRANSPORT: int
    UNKNOWN_TOPIC_OR_PARTITION: int
    LEADER_NOT_AVAILABLE: int
    NOT_LEADER_FOR_PARTITION: int
    REQUEST_TIMED_OUT: int
    BROKER_NOT_AVAILABLE: int
    COORDINATOR_LOAD_IN_PROGRESS: int
    COORDINATOR_NOT_AVAILABLE: int
    NOT_COORDINATOR: int
    NOT_ENOUGH_REPLICAS: int
    NOT_ENOUGH_REPLICAS_AFTER_APPEND: int
    REBALANCE_IN_PROGRESS: int
    TOPIC_AUTHORIZATION_FAILED: int

class EmbeddedKafka:
    bootstrap_servers: str
    brokers: int
    def __init__(self, brokers: int = ..., topics: Optional[Sequence[KafkaTopic]] = ...,
                 spec: Optional[PlatformSpec] = ...) -> None: ...
    def __enter__(self) -> "EmbeddedKafka": ...
    def __exit__(self, *args: Any) -> None: ...
    def close(self) -> None: ...
    def create_topic(self, name: str, partitions: int, replicas: int = ...) -> None: ...
    def broker_down(self, broker: int) -> None: ...
    def broker_up(self, broker: int) -> None: ...
    def set_leader(self, topic: str, partition: int, broker: int) -> None: ...
    def push_request_errors(self, api: KafkaApi, errors: Sequence[BrokerError]) -> None: ...
    def clear_request_errors(self, api: KafkaApi) -> None: ...
    def set_rtt(self, broker: int, rtt: _Duration) -> None: ...
    def move_coordinator(self, key: str, broker: int, transaction: bool = ...) -> None: ...

class KafkaSecurity:
    protocol: str
    ssl_ca_location: str
    ssl_certificate_location: str
    ssl_key_location: str
    ssl_key_password: str
    sasl_username: str
    sasl_password: str
    effective_protocol: str
    def __init__(self, **fields: Any) -> None: ...

class DeliveryReport:
    topic: str
    partition: int
    offset: int
    ok: bool
    code: str
    error: str
    def raise_if_failed(self) -> None: ...
    def __bool__(self) -> bool: ...

class KafkaDelivery:
    done: bool
    report: Optional[DeliveryReport]
    def result(self, timeout: Optional[_Duration] = ...) -> DeliveryReport: ...

class KafkaProducer:
    outstanding: int
    bootstrap_servers: str
    def __init__(self, bootstrap_servers: str = ..., *, client_id: str = ..., idempotence: bool = ...,
                 acks: str = ..., linger_ms: float = ..., delivery_timeout: _Duration = ...,
                 block_when_full: bool = ..., close_timeout: _Duration = ..., security: KafkaSecurity = ...,
                 on_delivery: Optional[Callable[[DeliveryReport], Any]] = ...,
                 extra: Dict[str, str] = ...) -> None: ...
    def send(self, topic: str, message: Union[Message, _Bytes], *, key: Optional[_Bytes] = ...,
             headers: Optional[Sequence[Tuple[str, _Bytes]]] = ..., partition: Optional[int] = ...,
             on_delivery: Optional[Callable[[DeliveryReport], Any]] = ...) -> KafkaDelivery: ...
    def flush(self, timeout: _Duration = ...) -> None: ...
    def close(self) -> None: ...
    def __enter__(self) -> "KafkaProducer": ...
    def __exit__(self, *args: Any) -> None: ...

class KafkaRecord:
    topic: str
    partition: int
    offset: int
    message: Message
    key: bytes
    payload: bytes
    headers: List[Tuple[str, bytes]]

class KafkaConsumer:
    bootstrap_servers: str
    def __init__(self, group_id: str, topics: Sequence[str] = ..., *, bootstrap_servers: str = ...,
                 client_id: str = ..., auto_offset_reset: str = ..., commit_mode: str = ...,
                 auto_commit_interval: _Duration = ..., security: KafkaSecurity = ...,
                 on_rebalance: Optional[Callable[[bool, List[Tuple[str, int]]], Any]] = ...,
                 extra: Dict[str, str] = ...) -> None: ...
    def poll(self, timeout: _Duration = ..., max_records: int = ...) -> List[KafkaRecord]: ...
    def mark_processed(self, record: KafkaRecord) -> None: ...
    def commit(self) -> None: ...
    def subscribe(self, topics: Sequence[str]) -> None: ...
    def pause(self, partitions: _Partitions) -> None: ...
    def resume(self, partitions: _Partitions) -> None: ...
    def assignment(self) -> List[Tuple[str, int]]: ...
    def committed(self, partitions: _Partitions, timeout: _Duration = ...) -> Dict[Tuple[str, int], int]: ...
    def close(self) -> None: ...
    def __enter__(self) -> "KafkaConsumer": ...
    def __exit__(self, *args: Any) -> None: ...

# --- flow -------------------------------------------------------------------

_ProcessResult = Union[None, Message, _Bytes, Sequence[Union[Message, _Bytes]]]
_Process = Union[Callable[[Message], _ProcessResult], "CompiledTransform"]

class FlowErrorPolicy:
    max_attempts: int
    backoff: datetime.timedelta
    max_backoff: datetime.timedelta
    dead_letter: str
    def __init__(self, **fields: Any) -> None: ...

class FlowMetrics:
    flow: str
    messages_in: int
    messages_out: int
    done: int
    filtered: int
    retried: int
    dead_lettered: int
    in_flight: int
    lag: int
    latency_count: int
    latency_sum_seconds: float
    latency_buckets: List[Tuple[float, int]]
    elapsed_seconds: float
    rate: float
    def to_prometheus(self) -> str: ...
    def _repr_html_(self) -> str: ...

class CompiledTransform:
    def __init__(self, spec: Union[Dict[str, Any], str]) -> None: ...
    def __call__(self, message: Message) -> List[Message]: ...

class _Runnable:
    metrics: FlowMetrics
    def run(self, duration: _Duration = ..., max_messages: int = ...,
            on_progress: Optional[Callable[[FlowMetrics], Any]] = ..., progress_interval: _Duration = ...) -> None: ...
    def stop(self) -> None: ...
    def close(self) -> None: ...
    def __enter__(self) -> Any: ...
    def __exit__(self, *args: Any) -> None: ...

class Processor(_Runnable):
    def __init__(self, group_id: str, inputs: Sequence[str], output: str, process: _Process, *, name: str = ...,
                 bootstrap_servers: str = ..., guarantee: str = ..., errors: FlowErrorPolicy = ...,
                 max_in_flight: int = ..., security: KafkaSecurity = ...) -> None: ...

class Transformer(_Runnable):
    def __init__(self, group_id: str, inputs: Sequence[str], output: str,
                 transform: Union[None, Dict[str, Any], str, CompiledTransform] = ..., *,
                 process: Optional[_Process] = ..., name: str = ..., bootstrap_servers: str = ...,
                 guarantee: str = ..., errors: FlowErrorPolicy = ..., max_in_flight: int = ...,
                 security: KafkaSecurity = ...) -> None: ...

class KafkaToRabbitBridge(_Runnable):
    def __init__(self, group_id: str, topics: Sequence[str], *, rabbitmq: AmqpConnection = ..., exchange: str = ...,
                 routing_key: str = ..., queue: str = ..., declare: bool = ..., confirm_window: int = ...,
                 errors: FlowErrorPolicy = ..., bootstrap_servers: str = ..., name: str = ...,
                 security: KafkaSecurity = ..., kafka_metadata: bool = ..., connections: int = ...) -> None: ...

class RabbitToKafkaBridge(_Runnable):
    def __init__(self, queue: str, topic: str, *, rabbitmq: AmqpConnection = ..., declare: bool = ...,
                 prefetch: int = ..., key_source: str = ..., errors: FlowErrorPolicy = ...,
                 bootstrap_servers: str = ..., name: str = ..., security: KafkaSecurity = ...) -> None: ...

class FlowFile:
    source: str
    name: str
    namespace: str
    pattern: str
    from_: str
    to: str
    guarantee: str
    errors: FlowErrorPolicy
    metrics_port: Optional[int]
    kafka_bootstrap: str
    def render_integration(self, namespace: str) -> str: ...

def load_flow_file(path: _Path) -> FlowFile: ...
def parse_flow_file(text: str, source_name: str = ...) -> FlowFile: ...

class Flow(_Runnable):
    metrics_port: int
    def __init__(self, file: Union[FlowFile, _Path], process: Optional[_Process] = ...) -> None: ...

def _bench_gil_round_trips(n: int) -> float: ...
def _bench_python_calls(function: Callable[[Message], Any], message: Message, n: int) -> float: ...

# --- tenancy ----------------------------------------------------------------

class TenantRemoval:
    tenant: Tenant
    warnings: List[str]

def add_tenant(spec_file: _Path, name: str, set: Sequence[str] = ...) -> Tenant: ...
def remove_tenant(spec_file: _Path, name: str, manifests: Optional[_Path] = ...) -> TenantRemoval: ...
def list_tenants(spec_file: _Path) -> List[Tenant]: ...
def add_tenant_text(yaml: str, name: str, set: Sequence[str] = ..., source_name: str = ...) -> str: ...
def remove_tenant_text(yaml: str, name: str, source_name: str = ...) -> str: ...
def check_tenant_name(spec: PlatformSpec, name: str) -> None: ...
def tenants_table(tenants: Sequence[Tenant], format: str = ...) -> str: ...

class PortSet:
    is_all: bool
    empty: bool
    ranges: List[Tuple[str, int, int]]
    def contains(self, port: int, protocol: str = ...) -> bool: ...
    def __bool__(self) -> bool: ...

class Verdict:
    allowed: bool
    from_pod: str
    to_pod: str
    egress: str
    ingress: str
    denied_by: str
    reasons: List[str]
    def __bool__(self) -> bool: ...
    def _repr_html_(self) -> str: ...

class Reach:
    from_: str
    to: str
    ports: PortSet

class ReachabilityMatrix:
    namespaces: List[str]
    cells: List[Reach]
    classes: int
    def ports(self, from_: str, to: str) -> PortSet: ...
    def to_text(self, format: str = ...) -> str: ...
    def __len__(self) -> int: ...
    def _repr_html_(self) -> str: ...

class IsolationProblem:
    kind: str
    from_: str
    to: str
    affected: int
    message: str

class NetworkView:
    namespaces: List[str]
    policies: List[str]
    def pods(self, namespace: str) -> List[str]: ...
    def add_namespace(self, name: str, labels: Dict[str, str] = ...) -> None: ...
    def can_reach(self, from_: str, to: str, port: int, protocol: str = ...) -> Verdict: ...
    def reachable_ports(self, from_: str, to: str) -> PortSet: ...
    def matrix(self, external_address: str = ..., naive: bool = ...) -> ReachabilityMatrix: ...
    def check_isolation(self, required: Optional[Sequence[Tuple[str, str, int]]] = ...) -> List[IsolationProblem]: ...

def network_view(tree: RenderedTree) -> NetworkView: ...
def load_network_view(path: _Path) -> NetworkView: ...

class CapacityLine:
    resource: str
    hard: str
    per_integration: str
    fits: int

class Capacity:
    namespace: str
    integrations: int
    binding: List[str]
    lines: List[CapacityLine]
    warnings: List[str]
    def to_text(self, format: str = ...) -> str: ...
    def _repr_html_(self) -> str: ...

def capacity(tree: RenderedTree, tenant: str) -> Capacity: ...
def load_capacity(directory: _Path, tenant: str) -> Capacity: ...

// SPDX-License-Identifier: Apache-2.0
// AMQPS against the local broker. The fixture makes a throw-away CA, a
// server certificate for "localhost" and a client certificate with openssl,
// then adds two TLS listeners to the running broker with `rabbitmqctl eval`
// (rabbit_networking:start_ssl_listener; no restart needed): one that only
// authenticates the server, one that also requires a client certificate.
// Both are stopped and the files removed at the end.
#define BOOST_TEST_MODULE amqp_tls
#include <boost/test/unit_test.hpp>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>

#include "amqp/fixture.hpp"

using namespace amqp_test;
using platform::Message;
using platform::StatusCode;
namespace fs = std::filesystem;

namespace {

// A port nothing listens on right now (the kernel picks it).
std::uint16_t spare_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

struct TlsBroker {
  fs::path dir;
  std::uint16_t port = 0;         // server-authenticated TLS
  std::uint16_t mutual_port = 0;  // client certificate required

  TlsBroker() {
    char tmpl[] = "/tmp/platform-amqp-tls-XXXXXX";
    BOOST_REQUIRE(::mkdtemp(tmpl) != nullptr);
    dir = tmpl;
    // The broker runs as its own user and must read the files.
    fs::permissions(dir, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                             fs::perms::others_read | fs::perms::others_exec);
    const std::string d = dir.string();
    const std::string script =
        "set -e; cd '" + d + "'; "
        "openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 1 "
        "  -subj /CN=platform-test-ca; "
        "openssl req -x509 -newkey rsa:2048 -nodes -keyout other-ca.key -out other-ca.pem -days 1 "
        "  -subj /CN=platform-other-ca; "
        "openssl req -newkey rsa:2048 -nodes -keyout server.key -out server.csr -subj /CN=localhost; "
        "printf 'subjectAltName=DNS:localhost\\n' > server.ext; "
        "openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out server.pem "
        "  -days 1 -extfile server.ext; "
        "openssl req -newkey rsa:2048 -nodes -keyout client.key -out client.csr -subj /CN=platform-client; "
        "openssl x509 -req -in client.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out client.pem -days 1; "
        "chmod 644 *";
    auto [rc, out] = run("sh -c \"" + script + "\"");
    BOOST_REQUIRE_MESSAGE(rc == 0, "openssl failed: " + out);

    port = start_listener("[{cacertfile, \"" + d + "/ca.pem\"}, {certfile, \"" + d +
                          "/server.pem\"}, {keyfile, \"" + d +
                          "/server.key\"}, {verify, verify_none}, {fail_if_no_peer_cert, false}]");
    mutual_port = start_listener("[{cacertfile, \"" + d + "/ca.pem\"}, {certfile, \"" + d +
                                 "/server.pem\"}, {keyfile, \"" + d +
                                 "/server.key\"}, {verify, verify_peer}, "
                                 "{fail_if_no_peer_cert, true}]");
  }

  std::uint16_t start_listener(const std::string& ssl_options) {
    for (int attempt = 0; attempt < 5; ++attempt) {
      std::uint16_t p = spare_port();
      auto [rc, out] = run("rabbitmqctl -q eval 'rabbit_networking:start_ssl_listener(" +
                           std::to_string(p) + ", " + ssl_options + ", 1).'");
      if (rc == 0 && out.find("ok") != std::string::npos) return p;
      BOOST_TEST_MESSAGE("start_ssl_listener on " << p << " failed: " << out);
    }
    BOOST_FAIL("could not add a TLS listener to the broker with rabbitmqctl eval");
    return 0;
  }

  ~TlsBroker() {
    for (std::uint16_t p : {port, mutual_port}) {
      if (p != 0) {
        run("rabbitmqctl -q eval 'rabbit_networking:stop_tcp_listener(" + std::to_string(p) + ").'");
      }
    }
    std::error_code ec;
    fs::remove_all(dir, ec);
  }

  amqp::ConnectionOptions options(std::uint16_t p) const {
    amqp::ConnectionOptions o = local(unique_name("tls"));
    o.host = "localhost";
    o.port = p;
    o.tls.enabled = true;
    o.tls.ca_cert_file = (dir / "ca.pem").string();
    return o;
  }
  std::string file(const char* name) const { return (dir / name).string(); }
};

// Publishes one confirmed message and reads it back over `connection`.
void round_trip(const amqp::ConnectionOptions& connection) {
  Scratch scratch;
  std::string q = scratch.queue();
  amqp::PublisherOptions po;
  po.connection = connection;
  auto pub = amqp::Publisher::open(po);
  BOOST_REQUIRE_MESSAGE(pub.ok(), pub.status().to_string());
  BOOST_TEST(pub->address().find("amqps://") == 0u);
  pub->publish("", q, Message{.payload = "over tls"}).value();
  auto s = pub->wait_for_confirms();
  BOOST_REQUIRE_MESSAGE(s.ok(), s.to_string());
  amqp::ConsumerOptions co;
  co.connection = connection;
  co.queue = q;
  auto c = amqp::Consumer::open(co).value();
  auto d = c.consume(std::chrono::seconds(10)).value();
  BOOST_REQUIRE(d.has_value());
  BOOST_TEST(d->message.payload == "over tls");
  BOOST_TEST(c.ack(d->delivery_tag).ok());
}

// One CA and one pair of listeners for the whole module.
TlsBroker* g_broker = nullptr;
struct GlobalTlsBroker {
  GlobalTlsBroker() { g_broker = new TlsBroker(); }
  ~GlobalTlsBroker() { delete g_broker; }
};

struct UsesBroker {
  TlsBroker& b = *g_broker;
  amqp::ConnectionOptions options(std::uint16_t p) const { return b.options(p); }
  std::string file(const char* name) const { return b.file(name); }
  std::uint16_t port = b.port;
  std::uint16_t mutual_port = b.mutual_port;
};

}  // namespace

BOOST_TEST_GLOBAL_FIXTURE(GlobalTlsBroker);
BOOST_FIXTURE_TEST_SUITE(amqps, UsesBroker)

BOOST_AUTO_TEST_CASE(publish_and_consume_over_tls_with_peer_and_hostname_verification) {
  round_trip(options(port));
}

BOOST_AUTO_TEST_CASE(a_server_certificate_from_another_ca_is_refused) {
  auto o = options(port);
  o.tls.ca_cert_file = file("other-ca.pem");
  auto r = amqp::Topology::open(o);
  BOOST_REQUIRE(!r.ok());
  BOOST_TEST_MESSAGE(r.status().to_string());
  BOOST_TEST(r.status().message().find("localhost:" + std::to_string(port)) != std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_host_name_the_certificate_does_not_list_is_refused_unless_allowed) {
  auto o = options(port);
  o.host = "127.0.0.1";  // the certificate names only "localhost"
  auto r = amqp::Topology::open(o);
  BOOST_REQUIRE(!r.ok());
  BOOST_TEST_MESSAGE(r.status().to_string());
  BOOST_TEST((r.status().code() == StatusCode::kFailedPrecondition));
  BOOST_TEST(r.status().message().find("verify_hostname") != std::string::npos);
  o.tls.verify_hostname = false;
  BOOST_TEST(amqp::Topology::open(o).ok());
}

BOOST_AUTO_TEST_CASE(mutual_tls_needs_the_client_certificate) {
  auto o = options(mutual_port);
  auto without = amqp::Topology::open(o);
  BOOST_TEST(!without.ok());
  BOOST_TEST_MESSAGE(without.status().to_string());
  o.tls.client_cert_file = file("client.pem");
  o.tls.client_key_file = file("client.key");
  round_trip(o);
}

BOOST_AUTO_TEST_CASE(plain_amqp_against_a_tls_port_fails_clearly) {
  auto o = options(port);
  o.tls.enabled = false;
  o.connect_timeout = std::chrono::milliseconds(2000);
  auto r = amqp::Topology::open(o);
  BOOST_REQUIRE(!r.ok());
  BOOST_TEST_MESSAGE(r.status().to_string());
  BOOST_TEST(r.status().message().find(std::to_string(port)) != std::string::npos);
}

BOOST_AUTO_TEST_CASE(missing_tls_files_are_bad_options) {
  auto o = options(port);
  o.tls.ca_cert_file = file("nope.pem");
  auto r = amqp::Topology::open(o);
  BOOST_TEST((r.status().code() == StatusCode::kInvalidArgument));
  BOOST_TEST(r.status().to_string().find("tls.ca_cert_file") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()

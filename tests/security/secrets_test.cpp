// SPDX-License-Identifier: Apache-2.0
// Secrets hygiene: every platformctl command that takes a credential runs
// with known secret strings at the most verbose level, on its success and its
// error paths, and its whole output (stdout + stderr) and every file it wrote
// are searched for them. Render in profile: production carries no default
// credentials and no Secret values.
#define BOOST_TEST_MODULE security_secrets
#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "fake_apiserver.hpp"
#include "platform/kafka/embedded_cluster.hpp"

namespace fs = std::filesystem;
using platform::testing::FakeApiServer;
using platform::testing::run_command;

namespace {

const std::string kCtl = PLATFORMCTL_PATH;

std::string base64(std::string_view in) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  std::size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    unsigned v = (static_cast<unsigned char>(in[i]) << 16) | (static_cast<unsigned char>(in[i + 1]) << 8) |
                 static_cast<unsigned char>(in[i + 2]);
    for (int s = 18; s >= 0; s -= 6) out += kAlphabet[(v >> s) & 63];
  }
  if (i + 1 == in.size()) {
    unsigned v = static_cast<unsigned char>(in[i]) << 16;
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += "==";
  } else if (i + 2 == in.size()) {
    unsigned v = (static_cast<unsigned char>(in[i]) << 16) | (static_cast<unsigned char>(in[i + 1]) << 8);
    for (int s = 18; s >= 6; s -= 6) out += kAlphabet[(v >> s) & 63];
    out += "=";
  }
  return out;
}

// Runs `command`, returns stdout + stderr; the exit code goes to `rc`.
std::string run(const std::string& command, int* rc = nullptr) {
  std::string out;
  int code = run_command(command, &out);
  if (rc != nullptr) *rc = code;
  BOOST_TEST_MESSAGE("$ " << command << " -> " << code << "\n" << out.substr(0, 2000));
  return out;
}

void expect_absent(const std::string& text, const std::vector<std::string>& secrets, const std::string& what) {
  for (const std::string& s : secrets) {
    BOOST_TEST(text.find(s) == std::string::npos, what << " shows the secret '" << s << "'");
  }
}

std::string read_tree(const fs::path& dir) {
  std::string all;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    if (!e.is_regular_file()) continue;
    std::ifstream in(e.path(), std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    all += s.str();
  }
  return all;
}

struct TempDir {
  fs::path path;
  TempDir() {
    path = fs::temp_directory_path() / ("platform-secrets-" + std::to_string(::getpid()) + "-" +
                                        std::to_string(reinterpret_cast<std::uintptr_t>(this)));
    fs::create_directories(path);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

}  // namespace

BOOST_AUTO_TEST_CASE(kafka_produce_and_consume_never_show_the_sasl_password) {
  const std::string password = "Kafka-Sasl-S3cret-71";
  const std::string env_password = "Kafka-Env-S3cret-72";
  auto cluster = platform::kafka::EmbeddedCluster::start();
  BOOST_REQUIRE(cluster.ok());
  const std::string b = " -b " + cluster->bootstrap_servers();
  const std::string sasl = " --sasl-username alice --sasl-password " + password;

  int rc = 0;
  std::string out = run(kCtl + " -vv produce" + b + sasl + " --timeout 3 events hello 2>&1", &rc);
  // The run was verbose: the options line is there, with the password replaced.
  BOOST_TEST(out.find("sasl.password=[redacted]") != std::string::npos, out);
  expect_absent(out, {password}, "produce -vv with SASL");

  out = run("KAFKA_SASL_PASSWORD=" + env_password + " " + kCtl + " -vv produce" + b +
            " --sasl-username alice --timeout 3 events hello 2>&1");
  BOOST_TEST(out.find("sasl.password=[redacted]") != std::string::npos, out);
  expect_absent(out, {env_password}, "produce -vv with KAFKA_SASL_PASSWORD");

  out = run(kCtl + " -vv consume" + b + sasl + " --from-beginning --max 1 --idle-timeout 3 events 2>&1");
  BOOST_TEST(out.find("sasl.password=[redacted]") != std::string::npos, out);
  expect_absent(out, {password}, "consume -vv with SASL");

  // Error paths: a CA file that does not exist, a protocol that needs one.
  out = run(kCtl + " -vv produce" + b + sasl +
                " --security-protocol sasl_ssl --ssl-ca /nonexistent/ca.pem --timeout 3 events hello 2>&1",
            &rc);
  BOOST_TEST(rc != 0);
  expect_absent(out, {password}, "produce with a bad CA");
  out = run(kCtl + " -vv consume" + b + sasl +
                " --security-protocol sasl_ssl --ssl-ca /nonexistent/ca.pem --max 1 --idle-timeout 2 events 2>&1",
            &rc);
  BOOST_TEST(rc != 0);
  expect_absent(out, {password}, "consume with a bad CA");
}

BOOST_AUTO_TEST_CASE(apply_diff_and_status_never_show_the_bearer_token) {
  const std::string token = "Kube-Bearer-S3cret-81";
  FakeApiServer server({.token = token, .serve_platform_crds = true});
  const std::string cli = kCtl + " -vvv --kubeconfig " + server.write_kubeconfig(token);
  int rc = 0;
  std::string out = run(cli + " apply --timeout 30s 2>&1", &rc);
  BOOST_TEST(rc == 0, out);
  BOOST_TEST(out.find("Authorization: <redacted>") != std::string::npos);  // really verbose
  expect_absent(out, {token}, "apply -vvv");
  out = run(cli + " diff 2>&1");
  expect_absent(out, {token}, "diff -vvv");
  out = run(cli + " status 2>&1");
  expect_absent(out, {token}, "status -vvv");

  // A token the server refuses: the 401 message names the user, not the token.
  const std::string wrong = "Kube-Wrong-S3cret-82";
  out = run(kCtl + " -vvv --kubeconfig " + server.write_kubeconfig(wrong, "wrong") + " status 2>&1", &rc);
  BOOST_TEST(rc != 0);
  BOOST_TEST(out.find("401") != std::string::npos, out);
  expect_absent(out, {wrong, token}, "status with a refused token");
}

BOOST_AUTO_TEST_CASE(a_client_key_in_kubeconfig_is_never_shown) {
  FakeApiServer server({.token = "", .serve_platform_crds = true});
  TempDir dir;
  const std::string key_material = "MIIEvClientKey+S3cret+Material+91";
  const std::string key = "-----BEGIN PRIVATE KEY-----\n" + key_material + "\n-----END PRIVATE KEY-----\n";
  const std::string cert = "-----BEGIN CERTIFICATE-----\nMIIBnotAcert\n-----END CERTIFICATE-----\n";
  const fs::path kubeconfig = dir.path / "kubeconfig";
  std::ofstream(kubeconfig) << "apiVersion: v1\nkind: Config\ncurrent-context: c\n"
                            << "clusters:\n- name: k\n  cluster:\n    server: " << server.url()
                            << "\n    certificate-authority: " << server.ca_file() << "\n"
                            << "users:\n- name: u\n  user:\n    client-certificate-data: " << base64(cert)
                            << "\n    client-key-data: " << base64(key) << "\n"
                            << "contexts:\n- name: c\n  context: {cluster: k, user: u}\n";
  for (const char* command : {"status", "diff", "apply --timeout 10s"}) {
    int rc = 0;
    std::string out = run(kCtl + " -vvv --kubeconfig " + kubeconfig.string() + " " + command + " 2>&1", &rc);
    BOOST_TEST(rc != 0, command << ": a key curl cannot load must fail\n" << out);
    expect_absent(out, {key_material, base64(key)}, command);
  }
}

BOOST_AUTO_TEST_CASE(validate_never_echoes_the_values_of_a_secret) {
  TempDir dir;
  const std::string value = "Db-Password-S3cret-93";
  const fs::path file = dir.path / "secret.yaml";
  // A Secret with a plain-text value, a bad base64 value and an unknown field:
  // validate reports problems in it, but never its values.
  std::ofstream(file) << "apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\n  namespace: backstage\n"
                      << "type: Opaque\nstringData:\n  password: " << value << "\ndata:\n  token: " << value
                      << "!!\n  other: " << base64(value) << "\nbogus: " << value << "\n";
  int rc = 0;
  std::string out = run(kCtl + " -vv validate " + file.string() + " 2>&1", &rc);
  BOOST_TEST(rc != 0, out);
  expect_absent(out, {value, base64(value)}, "validate -vv of a Secret");
  out = run(kCtl + " -vv -o json validate " + file.string() + " 2>&1", &rc);
  expect_absent(out, {value, base64(value)}, "validate -o json of a Secret");
}

BOOST_AUTO_TEST_CASE(render_in_production_has_no_default_credentials_and_secrets_only_by_reference) {
  TempDir dir;
  int rc = 0;
  std::string out = run(kCtl + " -vv render --set profile=production --out " + (dir.path / "m").string() + " 2>&1", &rc);
  BOOST_REQUIRE_MESSAGE(rc == 0, out);
  const std::string tree = read_tree(dir.path / "m");
  BOOST_TEST(tree.find("kind: Deployment") != std::string::npos);  // the tree is really there
  BOOST_TEST(tree.find("guest") == std::string::npos, "a production render mentions guest");
  BOOST_TEST(tree.find("kind: Secret\n") == std::string::npos, "a production render holds a Secret object");
  BOOST_TEST(tree.find("secretKeyRef") != std::string::npos);  // credentials by reference
  BOOST_TEST(tree.find("stringData") == std::string::npos);
  // Every password in a config file is a ${VARIABLE} filled from a secretKeyRef.
  for (std::size_t at = tree.find("password: "); at != std::string::npos; at = tree.find("password: ", at + 1)) {
    BOOST_TEST(tree.compare(at + 10, 2, "${") == 0, "a literal password: " << tree.substr(at, 40));
  }
  // Backstage's guest login (anyone in, no password) is refused in production.
  out = run(kCtl + " render --set profile=production --set backstage.auth=guest 2>&1", &rc);
  BOOST_TEST(rc == 2, out);
  BOOST_TEST(out.find("backstage.auth") != std::string::npos, out);
  BOOST_TEST(out.find("production") != std::string::npos, out);
}

/**
 * A private Go module proxy on loopback, as a company runs one: HTTPS with a
 * certificate from a CA of its own, basic auth (or a bearer token), and a
 * module nobody else serves (test/fixtures/modules/private-greet as
 * slimgo.test/private/greet).
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type GoProxy, startGoProxy } from "../../scripts/goproxy.js";

export const PRIVATE_MODULE = "slimgo.test/private/greet";
export const PRIVATE_VERSION = "v0.1.0";
const MODULE_SOURCE = "test/fixtures/modules/private-greet";
// A fixed time keeps the module zip (and so its go.sum hash input) the same on every run.
const MODULE_TIME = "2024-01-01T00:00:00Z";

export interface PrivateProxy {
  readonly proxy: GoProxy;
  /** host:port, as a netrc `machine` line needs it. */
  readonly host: string;
  /** The CA that signed the proxy's certificate (PEM). */
  readonly caFile: string;
  /** A netrc with the proxy's credentials. */
  readonly netrcFile: string;
  /** The password as a bearer token, in the output format of a GOAUTH command. */
  readonly goauthFile: string;
  /** The password: bytes that must never appear in an image or a cache. */
  readonly password: string;
}

/**
 * Start the proxy with its files in `dir`; `password` should be unique to the
 * run. With `bearer` the proxy accepts only `Authorization: Bearer <password>`.
 */
export async function startPrivateProxy(dir: string, password: string, opts: { bearer?: boolean } = {}): Promise<PrivateProxy> {
  mkdirSync(dir, { recursive: true });
  const { caFile, key, cert } = makeCertificates(dir);
  const root = join(dir, "proxy");
  writeModule(root);
  const user = "slimgo-ci";
  const proxy = await startGoProxy(root, 0, { tls: { key, cert }, ...(opts.bearer ? { bearer: password } : { auth: { user, password } }) });
  const host = new URL(proxy.url).host;
  const netrcFile = join(dir, "netrc");
  writeFileSync(netrcFile, `machine ${host}\nlogin ${user}\npassword ${password}\n`, { mode: 0o600 });
  const goauthFile = join(dir, "goauth");
  writeFileSync(goauthFile, `${proxy.url}/\n\nAuthorization: Bearer ${password}\n\n`, { mode: 0o600 });
  return { proxy, host, caFile, netrcFile, goauthFile, password };
}

/** A CA and a certificate for 127.0.0.1 signed by it. */
function makeCertificates(dir: string): { caFile: string; key: string; cert: string } {
  const f = (name: string) => join(dir, name);
  const ssl = (...args: string[]) => execFileSync("openssl", args, { stdio: ["ignore", "ignore", "pipe"] });
  ssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "2", "-subj", "/CN=slimgo test corporate CA", "-keyout", f("ca.key"), "-out", f("ca.pem"));
  ssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-subj", "/CN=127.0.0.1", "-keyout", f("server.key"), "-out", f("server.csr"));
  writeFileSync(f("san.ext"), "subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n");
  ssl("x509", "-req", "-in", f("server.csr"), "-CA", f("ca.pem"), "-CAkey", f("ca.key"), "-CAcreateserial", "-days", "2", "-extfile", f("san.ext"), "-out", f("server.pem"));
  return { caFile: f("ca.pem"), key: readFileSync(f("server.key"), "utf8"), cert: readFileSync(f("server.pem"), "utf8") };
}

/** The module's @v files: list, .info, .mod and a zip whose entries sit under path@version/. */
function writeModule(root: string): void {
  const v = join(root, PRIVATE_MODULE, "@v");
  mkdirSync(v, { recursive: true });
  writeFileSync(join(v, "list"), `${PRIVATE_VERSION}\n`);
  writeFileSync(join(v, `${PRIVATE_VERSION}.info`), JSON.stringify({ Version: PRIVATE_VERSION, Time: MODULE_TIME }));
  writeFileSync(join(v, `${PRIVATE_VERSION}.mod`), readFileSync(join(MODULE_SOURCE, "go.mod")));
  const files = readdirSync(MODULE_SOURCE).sort();
  const script = [
    "import sys, zipfile",
    "src, out, prefix = sys.argv[1], sys.argv[2], sys.argv[3]",
    "with zipfile.ZipFile(out, 'w', zipfile.ZIP_DEFLATED) as z:",
    "    for name in sys.argv[4:]:",
    "        z.write(src + '/' + name, prefix + name)",
  ].join("\n");
  execFileSync("python3", ["-c", script, MODULE_SOURCE, join(v, `${PRIVATE_VERSION}.zip`), `${PRIVATE_MODULE}@${PRIVATE_VERSION}/`, ...files]);
}

import { describe, expect, it } from "vitest"
import * as Digest from "../../src/live/Digest.js"

// RFC 7616 §3.9.1: user Mufasa, password "Circle of Life", GET /dir/index.html
const rfc = {
  username: "Mufasa",
  password: "Circle of Life",
  realm: "http-auth@example.org",
  nonce: "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v",
  cnonce: "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ",
  nc: "00000001",
  qop: "auth" as const,
  method: "GET",
  uri: "/dir/index.html"
}

describe("Digest", () => {
  it("computes the responses of RFC 7616's worked example, MD5 and SHA-256", () => {
    expect(Digest.response({ ...rfc, algorithm: "MD5" })).toBe("8ca523f5e9506fed4657c9700eebdbec")
    expect(Digest.response({ ...rfc, algorithm: "SHA-256" })).toBe("753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1")
  })

  it("splits a header of several challenges, keeping quoted commas, and prefers SHA-256", () => {
    const header = `Digest realm="http-auth@example.org", qop="auth, auth-int", algorithm=SHA-256, nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS", Digest realm="http-auth@example.org", qop="auth, auth-int", algorithm=MD5, nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS", Basic realm="api"`
    const challenges = Digest.parse(header)
    expect(challenges.map((c) => [c.scheme, c.params.algorithm ?? null])).toEqual([["Digest", "SHA-256"], ["Digest", "MD5"], ["Basic", null]])
    expect(challenges[0]!.params.qop).toBe("auth, auth-int")
    expect(Digest.choose(challenges)?.params.algorithm).toBe("SHA-256")
    expect(Digest.choose(Digest.parse(`Basic realm="api"`))).toBeUndefined()
    // only auth-int offered: not answerable
    expect(Digest.choose(Digest.parse(`Digest realm="a", qop="auth-int", nonce="n"`))).toBeUndefined()
    // no algorithm named means MD5
    expect(Digest.algorithmOf(Digest.parse(`Digest realm="a", nonce="n"`)[0]!)).toBe("MD5")
  })

  it("answers a challenge with the RFC's Authorization header, counting requests in nc", () => {
    const [challenge] = Digest.parse(`Digest realm="http-auth@example.org", qop="auth", algorithm=SHA-256, nonce="${rfc.nonce}", opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"`)
    const session = Digest.session(challenge!, rfc.username, rfc.password, () => rfc.cnonce)
    const first = session.authorize("GET", rfc.uri)
    expect(first).toBe(
      `Digest username="Mufasa", realm="http-auth@example.org", uri="/dir/index.html", algorithm=SHA-256, nonce="${rfc.nonce}", nc=00000001, cnonce="${rfc.cnonce}", qop=auth, response="753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1", opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"`
    )
    expect(first).not.toContain(rfc.password)
    expect(session.authorize("GET", rfc.uri)).toContain("nc=00000002")
  })

  it("verifies answers on the server side: right password, right uri, known nonce", () => {
    const server = { realm: "api", password: (u: string) => (u === "api" ? "s3cret" : undefined), fresh: (n: string) => n === "good" || (n === "old" ? ("stale" as const) : false) }
    for (const algorithm of ["SHA-256", "MD5", "SHA-256-sess", "MD5-sess"]) {
      const [c] = Digest.parse(`Digest realm="api", qop="auth", algorithm=${algorithm}, nonce="good"`)
      const header = Digest.session(c!, "api", "s3cret").authorize("POST", "/api/users")
      expect(Digest.verify(header, { method: "POST", uri: "/api/users" }, server), algorithm).toBe("ok")
      expect(Digest.verify(header, { method: "PUT", uri: "/api/users" }, server)).toBe("refused")
      expect(Digest.verify(header, { method: "POST", uri: "/api/users/1" }, server)).toBe("refused")
      const wrong = Digest.session(c!, "api", "guess").authorize("POST", "/api/users")
      expect(Digest.verify(wrong, { method: "POST", uri: "/api/users" }, server)).toBe("refused")
    }
    const [old] = Digest.parse(`Digest realm="api", qop="auth", algorithm=SHA-256, nonce="old"`)
    expect(Digest.verify(Digest.session(old!, "api", "s3cret").authorize("GET", "/x"), { method: "GET", uri: "/x" }, server)).toBe("stale")
    const [unknown] = Digest.parse(`Digest realm="api", qop="auth", nonce="forged"`)
    expect(Digest.verify(Digest.session(unknown!, "api", "s3cret").authorize("GET", "/x"), { method: "GET", uri: "/x" }, server)).toBe("refused")
    // Basic credentials are no answer to a Digest challenge
    expect(Digest.verify("Basic YXBpOnMzY3JldA==", { method: "GET", uri: "/x" }, server)).toBe("refused")
  })
})

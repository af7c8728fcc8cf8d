import FwctlNet
import Testing
@testable import FwctlRuleset

/// The JSON render's exact shape for a small ruleset (the kernel suite checks that nft
/// loads the JSON of every catalog table and lists it back the same).
@Suite("NftJSON")
struct NftJSONTests {
    @Test("a small ruleset, byte for byte")
    func golden() {
        let table = Table(name: "fwctl", sets: [
            NamedSet(name: "web_v4", keyType: .ipv4Addr, elements: [.address(F.r("10.0.0.0/24")), .address(F.r("192.0.2.1"))]),
        ], chains: [
            Chain(name: "input", hook: BaseChainHook(hook: .input, policy: .drop), rules: [
                Rule([.nfproto(.v4), F.saddrSet(.v4, "web_v4"), F.dports(.tcp, [(443, 443), (80, 90)]), .ctState([.established, .related]), F.accept],
                     comment: "p.fw:3: \"web\""),
            ]),
        ])
        #expect(NftJSON.render(Ruleset(tables: [table])) == """
            {
              "nftables": [
                {
                  "metainfo": {
                    "json_schema_version": 1
                  }
                },
                {
                  "table": {
                    "family": "inet",
                    "name": "fwctl"
                  }
                },
                {
                  "set": {
                    "family": "inet",
                    "name": "web_v4",
                    "table": "fwctl",
                    "type": "ipv4_addr",
                    "flags": [
                      "interval"
                    ],
                    "elem": [
                      {
                        "prefix": {
                          "addr": "10.0.0.0",
                          "len": 24
                        }
                      },
                      "192.0.2.1"
                    ]
                  }
                },
                {
                  "chain": {
                    "family": "inet",
                    "table": "fwctl",
                    "name": "input",
                    "type": "filter",
                    "hook": "input",
                    "prio": 0,
                    "policy": "drop"
                  }
                },
                {
                  "rule": {
                    "family": "inet",
                    "table": "fwctl",
                    "chain": "input",
                    "comment": "p.fw:3: \\"web\\"",
                    "expr": [
                      {
                        "match": {
                          "op": "==",
                          "left": {
                            "payload": {
                              "protocol": "ip",
                              "field": "saddr"
                            }
                          },
                          "right": "@web_v4"
                        }
                      },
                      {
                        "match": {
                          "op": "==",
                          "left": {
                            "payload": {
                              "protocol": "tcp",
                              "field": "dport"
                            }
                          },
                          "right": {
                            "set": [
                              {
                                "range": [
                                  80,
                                  90
                                ]
                              },
                              443
                            ]
                          }
                        }
                      },
                      {
                        "match": {
                          "op": "in",
                          "left": {
                            "ct": {
                              "key": "state"
                            }
                          },
                          "right": [
                            "established",
                            "related"
                          ]
                        }
                      },
                      {
                        "accept": null
                      }
                    ]
                  }
                }
              ]
            }

            """)
    }

    static let strings: [(String, String)] = [
        ("plain", "\"plain\""), ("a\"b", "\"a\\\"b\""), ("back\\slash", "\"back\\\\slash\""),
        ("tab\tnl\n", "\"tab\\tnl\\n\""), ("\u{1}", "\"\\u0001\""), ("a/b", "\"a/b\""), ("é", "\"é\""),
    ]

    @Test("strings are escaped per RFC 8259", arguments: strings)
    func quoting(_ raw: String, expected: String) {
        #expect(JSONValue.quote(raw) == expected)
    }
}

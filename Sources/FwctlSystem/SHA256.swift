import Crypto
import Foundation

/// SHA-256 fingerprints as fwctl prints and stores them: 64 lowercase hex digits.
///
/// A thin name over swift-crypto's SHA256 (BoringSSL underneath), so every stage that
/// fingerprints something (plan files, policies, compiled tables, the apply log's hash chain)
/// spells it one way and none carries a hand-written digest.
public enum SHA256 {
    /// The 32-byte digest of `bytes`.
    public static func digest(_ bytes: some Collection<UInt8>) -> [UInt8] {
        if let data = bytes as? Data { return Array(Crypto.SHA256.hash(data: data)) }
        if let array = bytes as? [UInt8] { return Array(Crypto.SHA256.hash(data: array)) }
        return Array(Crypto.SHA256.hash(data: Array(bytes)))
    }

    /// The digest as 64 lowercase hex digits.
    public static func hex(_ bytes: some Collection<UInt8>) -> String {
        hexDigits(digest(bytes))
    }

    static func hexDigits(_ digest: [UInt8]) -> String {
        let digits = Array("0123456789abcdef")
        return String(digest.flatMap { [digits[Int($0 >> 4)], digits[Int($0 & 0xf)]] })
    }
}

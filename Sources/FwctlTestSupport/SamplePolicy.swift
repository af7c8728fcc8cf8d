/// A small policy written out in full, for the tests of the commands that read policies
/// from files (`diff`, `test`): each adds what it is about after the last line.
public enum SamplePolicy {
    /// Two roles, one host each, and two flows; 7 lines, the last one ended.
    public static let webAndDatabase = """
        network internet = 0.0.0.0/0
        service https = tcp/443
        service pg = tcp/5432
        role web { host web1 = 192.0.2.1 }
        role db { host db1 = 192.0.2.2 }
        allow internet -> web : https
        allow web -> db : pg

        """
}

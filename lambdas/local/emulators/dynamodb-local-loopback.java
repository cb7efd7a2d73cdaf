import com.amazonaws.services.dynamodbv2.local.main.ServerRunner;
import com.amazonaws.services.dynamodbv2.local.server.DynamoDBProxyServer;
import java.lang.reflect.Field;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * DynamoDB Local bound to one address. The jar's own command line has no host option (its
 * -help lists -port, -inMemory, -dbPath, -sharedDb, -cors, -disableTelemetry and no more) and
 * its server is a Jetty Server(port), which listens on every interface. This launcher builds the
 * server from the same command line the jar's main takes, sets the host of its one Jetty
 * connector before it starts, and runs it as the jar's main would.
 *
 * Usage (single-file source launch, Java 11+):
 *   java -cp DynamoDBLocal.jar:DynamoDBLocal_lib/* dynamodb-local-loopback.java HOST [jar options]
 */
public class DynamoDbLocalLoopback {
  public static void main(String[] args) throws Exception {
    if (args.length < 1) throw new IllegalArgumentException("usage: HOST [DynamoDB Local options]");
    String host = args[0];
    String[] rest = java.util.Arrays.copyOfRange(args, 1, args.length);
    DynamoDBProxyServer proxy = ServerRunner.createServerFromCommandLineArgs(rest);
    Field field = DynamoDBProxyServer.class.getDeclaredField("server");
    field.setAccessible(true);
    Server server = (Server) field.get(proxy);
    Connector[] connectors = server.getConnectors();
    if (connectors.length == 0) throw new IllegalStateException("DynamoDB Local has no connector to bind");
    for (Connector connector : connectors) {
      if (!(connector instanceof ServerConnector)) {
        throw new IllegalStateException("unexpected connector " + connector.getClass().getName());
      }
      ((ServerConnector) connector).setHost(host);
    }
    proxy.start();
    proxy.join();
  }
}

import Foundation
import HubCLI

exit(Entrypoint.run(arguments: CommandLine.arguments))

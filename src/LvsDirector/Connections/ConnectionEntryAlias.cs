// The IPv4 entry kept its name for the rest of the library when the table became generic over the address type.
global using ConnectionEntry = LvsDirector.Connections.ConnectionEntry<uint>;

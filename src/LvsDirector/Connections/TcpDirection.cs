namespace LvsDirector.Connections;

/// <summary>Which half of IPVS's TCP transition table applies to a packet.</summary>
public enum TcpDirection
{
    /// <summary>Client to real server, when replies also pass the director (NAT).</summary>
    Input = 0,

    /// <summary>Real server to client (NAT replies).</summary>
    Output = 1,

    /// <summary>Client to real server when replies bypass the director (DR, TUN).</summary>
    InputOnly = 2,
}

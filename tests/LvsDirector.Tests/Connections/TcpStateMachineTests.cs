using LvsDirector.Connections;
using F = LvsDirector.Connections.TcpFlagBits;
using S = LvsDirector.Connections.TcpConnectionState;

namespace LvsDirector.Tests.Connections;

public class TcpStateMachineTests
{
    [Fact]
    public void StateNumbersMatchIpvs()
    {
        Assert.Equal(
            [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
            new[] { S.None, S.Established, S.SynSent, S.SynRecv, S.FinWait, S.TimeWait, S.Close, S.CloseWait, S.LastAck, S.Listen, S.SynAck }
                .Select(s => (int)s));
    }

    [Theory]
    [InlineData(F.Syn | F.Ack | F.Fin | F.Rst, S.Established, S.Close)] // RST wins
    [InlineData(F.Syn | F.Fin | F.Ack, S.Established, S.Established)] // then SYN
    [InlineData(F.Fin | F.Ack, S.Established, S.CloseWait)] // then FIN
    [InlineData(F.Ack, S.SynRecv, S.Established)]
    [InlineData(0, S.Established, S.Close)] // no class flag: CLOSE, as the kernel does
    public void InputFlagPriority(byte flags, S from, S expected) =>
        Assert.Equal(expected, TcpStateMachine.Next(TcpDirection.Input, flags, from));

    [Theory]
    [InlineData(TcpDirection.Input, F.Syn, S.None, S.SynRecv)]
    [InlineData(TcpDirection.Input, F.Ack, S.None, S.Established)]
    [InlineData(TcpDirection.Input, F.Rst, S.SynAck, S.SynRecv)]
    [InlineData(TcpDirection.Input, F.Ack, S.LastAck, S.Close)]
    [InlineData(TcpDirection.Output, F.Syn, S.None, S.SynSent)]
    [InlineData(TcpDirection.Output, F.Fin, S.Established, S.FinWait)]
    [InlineData(TcpDirection.Output, F.Fin, S.CloseWait, S.TimeWait)]
    [InlineData(TcpDirection.Output, F.Rst, S.TimeWait, S.TimeWait)]
    [InlineData(TcpDirection.Output, F.Ack, S.Listen, S.Established)]
    [InlineData(TcpDirection.InputOnly, F.Fin, S.Established, S.FinWait)]
    [InlineData(TcpDirection.InputOnly, F.Fin, S.FinWait, S.FinWait)]
    [InlineData(TcpDirection.InputOnly, F.Rst, S.SynAck, S.Close)]
    public void SelectedTransitions(TcpDirection direction, byte flags, S from, S expected) =>
        Assert.Equal(expected, TcpStateMachine.Next(direction, flags, from));

    [Fact]
    public void ActiveStatesAreEstablishedAndHandshake()
    {
        var active = Enum.GetValues<S>().Where(TcpStateMachine.IsActive);
        Assert.Equal([S.Established, S.SynSent, S.SynRecv, S.SynAck], active);
    }
}

// SPDX-License-Identifier: MIT
// SYNTHETIC test contract: a minimal ERC-20 plus one event with four topics, compiled
// by synth/solidity.ts with the solc npm package and deployed on the SYNTHETIC FEVM chain.
pragma solidity 0.8.37;

contract Token {
    string public constant name = "Synthetic Token";
    string public constant symbol = "SYN";
    uint8 public constant decimals = 18;

    uint256 public totalSupply;
    mapping(address => uint256) public balanceOf;
    mapping(address => mapping(address => uint256)) public allowance;

    event Transfer(address indexed from, address indexed to, uint256 value);
    event Approval(address indexed owner, address indexed spender, uint256 value);
    /// Four topics (signature + three indexed) and data: exercises t1..t4 and d.
    event Noted(address indexed who, uint256 indexed tag, bytes32 indexed ref, string memo);

    constructor(uint256 supply) {
        totalSupply = supply;
        balanceOf[msg.sender] = supply;
        emit Transfer(address(0), msg.sender, supply);
    }

    function transfer(address to, uint256 value) external returns (bool) {
        _move(msg.sender, to, value);
        return true;
    }

    function approve(address spender, uint256 value) external returns (bool) {
        allowance[msg.sender][spender] = value;
        emit Approval(msg.sender, spender, value);
        return true;
    }

    function transferFrom(address from, address to, uint256 value) external returns (bool) {
        uint256 a = allowance[from][msg.sender];
        require(a >= value, "allowance");
        allowance[from][msg.sender] = a - value;
        _move(from, to, value);
        return true;
    }

    function note(uint256 tag, bytes32 ref, string calldata memo) external {
        emit Noted(msg.sender, tag, ref, memo);
    }

    /// `count` Noted events in one call (tags firstTag…firstTag+count-1): cheap bulk events for scale data.
    function noteBatch(uint256 firstTag, uint256 count, bytes32 ref) external {
        for (uint256 i = 0; i < count; i++) emit Noted(msg.sender, firstTag + i, ref, "");
    }

    function _move(address from, address to, uint256 value) private {
        require(balanceOf[from] >= value, "balance");
        balanceOf[from] -= value;
        balanceOf[to] += value;
        emit Transfer(from, to, value);
    }
}

"""`falv ask`: compose a grounded answer (法律分析 + 法律依据) and render it."""

"""The end of a case on the terminal (SPEC §3.10–3.11): the handler's 结案, 执行措施, 终本核查 and 移交卷宗 forms
(``handler``), the confirmation of a resumption (``resume``) and the director's 终本 list with its overrides
(``zhongben``); ``fields`` is their form base, which shows each bad field's reason under the field."""

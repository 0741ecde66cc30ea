"""Field labels and limits shared by the field-work rules (shown at the field and in messages)."""

from __future__ import annotations

F_CASE = "案号"
F_KIND = "委托事项"
F_REQUIREMENTS = "具体要求"
F_DEADLINE = "办理期限"
F_INSTITUTION = "协执单位"
F_INSTITUTION_NAME = "单位名称"
F_URGENT = "临时拘传"
F_PLANNED_AT = "查找时间"
F_PLACE = "地点"
F_CATEGORY = "查找类别"
F_QUANTITY = "数量"
F_TARGETS = "查找对象名称"
F_INVESTIGATORS = "办理人员"
F_RESULT = "办理结果"
F_RECEIPT_NO = "回执编号"
F_RECEIPT_OFFICER = "协执单位经办人"
F_RECEIPT_SIGNED = "经办人签字"
F_FILE = "附件"
F_DECISION_NOTE = "审批意见"
F_SOURCE = "业务来源"

MIN_AT_BUREAU = 2  # R-CLU-2: investigators who stay at the bureau every day
MAX_REQUIREMENTS = 2000
MAX_RESULT = 4000
MAX_QUANTITY = 999

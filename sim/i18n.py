"""The message catalog: every user-facing text of the HTML report and the web app,
in English (``en``) and simplified Chinese (``zh``).

One entry per message, keyed by a dotted name (``report.*`` for the static report,
``app.*`` and the tab names for the web app). Texts may hold ``{name}`` fields
filled by :func:`t`. KPI headers and meanings: English from the KPI registry
(``sim.kpis``), Chinese in :data:`KPI_ZH`. Zone and service names are not
translated: they are shown as the scenario gives them (``zone.name``, else the id).
"""

from __future__ import annotations

LANGS = ("zh", "en")
DEFAULT_LANG = "en"

# key: (English, 简体中文)
MESSAGES: dict[str, tuple[str, str]] = {
    # -- the static HTML report ---------------------------------------------------------------
    "report.title": ("{name}: simulation report", "{name}：仿真报告"),
    "report.subtitle": ("Simulation report.", "仿真报告。"),
    "report.run_facts": ("{replications} replications (independent days), seed {seed}; target wait {target:g} min; "
                         "intervals are 95% Student-t across replications.",
                         "{replications} 次重复（相互独立的模拟日），随机种子 {seed}；目标等候 {target:g} 分钟；"
                         "区间为各次重复间的 95% t 置信区间。"),
    "report.per_zone": ("Results per zone", "各专区结果"),
    "report.per_zone_note": ("Mean ± 95% half-width across replications; waits of visitors who queued, in minutes.",
                             "各次重复的均值 ± 95% 区间半宽；等候为排队群众的等候时间，单位分钟。"),
    "report.whole_hall": ("The whole hall", "全大厅"),
    "report.plots": ("Plots", "图表"),
    "report.all_zones": ("all zones", "全部专区"),
    "report.zone": ("zone", "专区"),
    "report.kpi": ("KPI", "指标"),
    "report.mean": ("mean", "均值"),
    "report.interval": ("95% interval", "95% 区间"),
    "report.meaning": ("meaning", "含义"),
    "report.cap.wait_heatmap": ("Mean wait (minutes) of visitors by zone and the half hour they arrived, averaged "
                                "over replications; grey cells had no visitors.",
                                "各专区按到达时段（半小时）的平均等候（分钟），为各次重复的平均；灰色格无人到访。"),
    "report.cap.queue_over_day": ("People waiting in each zone through the day: time-average per period, mean over "
                                  "replications with its 95% interval.",
                                  "各专区全天排队人数：每时段的时间平均，各次重复的均值及 95% 区间。"),
    "report.cap.utilization": ("Busy share of staffed window time per zone, with 95% intervals; the dashed line is "
                               "the whole hall.",
                               "各专区在岗窗口的忙碌占比及 95% 区间；虚线为全大厅。"),
    "report.cap.staffing_vs_demand": ("Staffed windows per period against the offered load (arrivals per hour x mean "
                                      "service time / 60): where the load reaches the staff line the zone is at "
                                      "capacity.",
                                      "各时段在岗窗口数与到达负荷（每小时到达数 × 平均办理时长 / 60）对比：负荷触及"
                                      "在岗线时该专区已满负荷。"),
    # the report's plots (sim/plots): titles, axes and legends
    "plot.period_of_arrival": ("period of arrival (start)", "到达时段（起始）"),
    "plot.heatmap_title": ("{name}: {kpi} by zone and period of arrival ({n} replications)",
                           "{name}：各专区按到达时段的{kpi}（{n} 次重复）"),
    "plot.interval": ("{level:.0%} interval", "{level:.0%} 区间"),
    "plot.mean_queue": ("mean queue", "平均排队人数"),
    "plot.alarm": ("alarm ({n:g})", "预警线（{n:g}）"),
    "plot.queue_title": ("{name}: people waiting through the day, mean per {step}-min period over {n} replications",
                         "{name}：全天排队人数，每 {step} 分钟时段的时间平均（{n} 次重复的均值）"),
    "plot.people_waiting": ("people waiting", "排队人数"),
    "plot.all_zones": ("all zones {v:.0f}%", "全部专区 {v:.0f}%"),
    "plot.utilization_axis": ("utilization: busy / staffed window time (%), {level:.0%} interval",
                              "窗口利用率：办理时间 / 在岗窗口时间（%），{level:.0%} 区间"),
    "plot.utilization_title": ("{name}: utilization per zone ({n} replications)", "{name}：各专区窗口利用率（{n} 次重复）"),
    "plot.offered_load": ("offered load (busy windows needed)", "到达负荷（平均所需忙碌窗口数）"),
    "plot.staffed": ("staffed windows", "在岗窗口"),
    "plot.physical": ("physical windows", "实有窗口"),
    "plot.staffing_title": ("{name}: staffed windows against offered load (visits per minute x mean service time)",
                            "{name}：在岗窗口与到达负荷（每分钟到达人次 × 平均办理时长）"),
    "plot.windows": ("windows", "窗口数"),
    "plot.cmp.axis": ("{kpi}, {level:.0%} interval", "{kpi}，{level:.0%} 区间"),
    "plot.cmp.points": ("percentage points", "百分点"),
    "plot.cmp.diff_axis": ("B - A ({unit}), paired, {level:.0%} interval", "B − A（{unit}），配对，{level:.0%} 区间"),
    "plot.cmp.diff_axis_plain": ("B - A, paired, {level:.0%} interval", "B − A，配对，{level:.0%} 区间"),
    "plot.cmp.diff_title": ("difference B - A (solid: interval excludes 0)", "差值 B − A（实心：区间不含 0）"),
    "plot.cmp.meta": ("{n} paired replications, seed {seed} (common random numbers)",
                      "{n} 次配对重复，随机种子 {seed}（共同随机数）"),
    "report.cmp.title": ("{a} vs {b}: comparison report", "{a} 对比 {b}：对比报告"),
    "report.cmp.vs": ("vs", "对比"),
    "report.cmp.meta": ("Paired comparison: {replications} replications of each with seed {seed}, so A and B see "
                        "the same visitors (common random numbers); target wait {target:g} min. Differences are "
                        "B - A with 95% intervals from the paired per-day differences; green marks a change that "
                        "is better for visitors, red worse, where the interval excludes zero.",
                        "配对对比：两方案各 {replications} 次重复、随机种子 {seed}，A 与 B 面对同一批群众"
                        "（共同随机数）；目标等候 {target:g} 分钟。差值为 B − A，区间为逐日配对差值的 95% 区间；"
                        "区间不含零时，绿色表示对群众更好，红色表示更差。"),
    "report.cmp.changed": ("What changed", "改动了什么"),
    "report.cmp.same_inputs": ("The two scenarios have the same inputs.", "两个方案的输入相同。"),
    "report.cmp.more": ("… and {n} more differences.", "……另有 {n} 处不同。"),
    "report.cmp.field": ("field", "字段"),
    "report.cmp.diff": ("B - A [95% interval]", "B − A [95% 区间]"),
    "report.cmp.zone_diff": ("zone (B - A)", "专区 (B − A)"),
    "report.cmp.scenario_a": ("Scenario A", "方案 A"),
    "report.cmp.scenario_b": ("Scenario B", "方案 B"),
    "report.cap.compare_mean_wait": ("Mean wait per zone in A and B (95% intervals) and the paired difference B - A.",
                                     "各专区 A、B 的平均等候（95% 区间）及配对差值 B − A。"),
    "report.cap.compare_p90_wait": ("90th percentile wait per zone in A and B and the paired difference B - A.",
                                    "各专区 A、B 的 90% 分位等候及配对差值 B − A。"),
    "report.cap.compare_service_level": ("Share called within the target wait per zone in A and B and the "
                                         "difference B - A in percentage points.",
                                         "各专区 A、B 在目标等候内叫号的比例及差值 B − A（百分点）。"),
    "report.cap.compare_utilization": ("Utilization per zone in A and B and the difference B - A in percentage "
                                       "points.",
                                       "各专区 A、B 的窗口利用率及差值 B − A（百分点）。"),
    "report.scenario": ("The scenario", "方案"),
    "report.mechanisms": ("Hall mechanisms in use", "启用的大厅机制"),
    "report.zones": ("Zones", "专区"),
    "report.services": ("Services", "事项"),
    "report.f.name": ("name", "名称"),
    "report.f.hours": ("opening hours", "开放时间"),
    "report.f.hours_value": ("{open}–{close}, periods of {minutes} min", "{open}–{close}，每时段 {minutes} 分钟"),
    "report.f.target": ("target wait", "目标等候"),
    "report.f.target_value": ("{target:g} min (for the service level)", "{target:g} 分钟（用于计算及时叫号率）"),
    "report.f.demand_scale": ("demand scale", "需求倍数"),
    "report.f.day_variation": ("day variation", "日间波动"),
    "report.f.none": ("none", "无"),
    "report.f.expected": ("expected visitors", "预计到访"),
    "report.f.expected_value": ("{total:,.0f} per day in {zones} zones, {services} services",
                                "每天约 {total:,.0f} 人，{zones} 个专区，{services} 个事项"),
    "report.h.zone": ("zone", "专区"),
    "report.h.name": ("name", "名称"),
    "report.h.windows": ("windows", "窗口数"),
    "report.h.staff": ("staff (windows open)", "在岗人数（开放窗口）"),
    "report.h.queue_limit": ("queue limit", "排队上限"),
    "report.h.service": ("service", "事项"),
    "report.h.visitors_day": ("visitors / day", "到访/天"),
    "report.h.peak_hour": ("peak / hour", "高峰/小时"),
    "report.h.service_time": ("service time (min)", "办理时长(分钟)"),
    "report.h.patience": ("patience (min)", "耐心(分钟)"),
    "report.h.priority": ("priority", "优先级"),
    "report.assumptions": ("Assumptions", "假设"),
    "report.rules": ("Rules of the model", "模型规则"),
    "report.no_description": ("The scenario has no description.", "该方案没有说明。"),
    "report.rule.arrivals": ("Arrivals", "到达"),
    "report.rule.arrivals.text": (
        "each service's visitors arrive as a Poisson process whose rate is constant within each period "
        "(a Poisson count per period, then uniform times).",
        "每个事项的群众按泊松过程到达，到达率在每个时段内不变（每时段泊松人数，时刻均匀分布）。"),
    "report.rule.queues": ("Queues", "排队"),
    "report.rule.queues.text": (
        "one queue per service; a free window takes the waiting visitor with the lowest priority number, "
        "then the one who has waited longest (first come, first served). Service is not interrupted.",
        "每个事项一条队列；空闲窗口先叫优先级数字最小的群众，再叫等得最久的（先到先办）；办理中不中断。"),
    "report.rule.staff": ("Staff per period", "分时段在岗"),
    "report.rule.staff.text": (
        "at a period boundary new windows open and take the next visitors at once; a window that closes "
        "finishes its current visitor first.",
        "时段开始时新开窗口立即叫号；关闭的窗口先办完当前群众。"),
    "report.rule.closing": ("Closing", "闭厅"),
    "report.rule.closing.text": (
        "no new tickets at or after closing time; everyone already waiting is served (overtime is "
        "recorded) by the last period's staff, or by one window where that was zero.",
        "闭厅时刻起不再取号；已在排队的群众全部办完（记为延时服务），由最后时段的人员办理，若最后时段无人则开"
        "一个窗口。"),
    "report.rule.abandonment": ("Abandonment", "放弃"),
    "report.rule.abandonment.text": (
        "a visitor not called within their patience leaves; their wait is the time they waited.",
        "超过耐心仍未叫号的群众离开；其等候时间为已等的时间。"),
    "report.rule.balking": ("Balking", "满队离开"),
    "report.rule.balking.text": (
        "with a queue limit, an arrival that finds that many waiting leaves at once.",
        "设有排队上限时，到达时已有这么多人排队的群众立即离开。"),
    "report.rule.day_variation": ("Day variation", "日间波动"),
    "report.rule.day_variation.text": (
        "where given, one random multiplier per replication scales all arrival rates.",
        "如有设置，每次重复抽一个随机倍数，乘到全部到达率上。"),
    "report.rule.itineraries": ("Itineraries", "办事路径"),
    "report.rule.itineraries.text": (
        "a visitor may pass several queues (guide desk, kiosk, a wrong zone, the zones of a bundle, "
        "pick-up); abandoning or balking anywhere ends the visit.",
        "群众可能经过多条队列（导办台、自助终端、走错专区、一件事的各专区、取件）；任何一处放弃或离开即结束本"
        "次到访。"),
    "report.rule.replications": ("Replications", "重复"),
    "report.rule.replications.text": (
        "independent simulated days; each KPI is the mean over days with a 95% Student-t interval.",
        "相互独立的模拟日；每个指标取各日均值及 95% t 置信区间。"),
    "report.rule.random": ("Random numbers", "随机数"),
    "report.rule.random.text": (
        "each replication draws each service's arrivals, service times and patience from its own stream "
        "spawned from the seed, so scenarios compared with the same seed see the same visitors (common "
        "random numbers).",
        "每次重复中，每个事项的到达、办理时长和耐心各用由种子派生的独立随机流，因此同一种子下对比的方案面对同"
        "一批群众（共同随机数）。"),
    # -- the layout search report (planning) ---------------------------------------------------
    "layout.title": ("{name}: layout search", "{name}：大厅布局方案比选"),
    "layout.meta": ("Targets {targets} in every zone and half hour; {replications} simulated days per candidate, "
                    "seed {seed} for every candidate (common random numbers); generalists' service-time "
                    "multiplier {speed:g}.",
                    "目标 {targets}，要求每个专区、每个半小时都达到；每个方案模拟 {replications} 天，所有方案使用同一随机种子 "
                    "{seed}（共同随机数）；综合窗口人员办理时间系数 {speed:g}。"),
    "layout.screened": ("{covered:,} layouts screened analytically ({blocks} pooled-zone evaluations{how}); "
                        "{simulated} optimized and simulated.",
                        "解析筛选 {covered:,} 种布局（{blocks} 次合并专区评估{how}）；其中 {simulated} 种经优化排班并仿真验证。"),
    "layout.greedy": (", greedy for large groups", "，大分组用贪心搜索"),
    "layout.recommended": ("Recommended layout", "推荐布局"),
    "layout.recommended_text": ("{layout}: {windows} windows, {hours:.1f} staff-hours a day, mean wait {wait:.1f} min, "
                                "{missed} zone-periods missed in the fresh simulation.",
                                "{layout}：{windows} 个窗口，每日 {hours:.1f} 人·小时，平均等候 {wait:.1f} 分钟，"
                                "复核仿真中未达标的专区时段 {missed} 个。"),
    "layout.budget": ("Windows budget: {budget}.", "窗口数上限：{budget}。"),
    "layout.optimized": ("Optimized candidates", "优化后的候选方案"),
    "layout.optimized_note": ("* recommended, p on the Pareto front of windows, staff-hours and mean wait. Staff-hours "
                              "from the optimizer; waits from a fresh simulation of its plan (95% interval).",
                              "* 为推荐方案，p 为窗口数、人·小时与平均等候三者的帕累托前沿。人·小时来自优化器；"
                              "等候来自对其排班的复核仿真（95% 区间）。"),
    "layout.col.layout": ("layout", "布局"),
    "layout.col.windows": ("windows", "窗口"),
    "layout.col.staff_hours": ("staff-h/day", "人·小时/日"),
    "layout.col.lower_bound": ("lower bound", "下界"),
    "layout.col.mean_wait": ("mean wait", "平均等候"),
    "layout.col.within": ("within target", "目标内叫号"),
    "layout.col.missed": ("missed", "未达标"),
    "layout.col.screen_hours": ("analytic staff-h", "解析人·小时"),
    "layout.plot_caption": ("Windows used against staff-hours a day: grey dots are the screen's candidates (analytic), "
                            "coloured ones the optimized candidates (colour: simulated mean wait), the star the "
                            "recommended layout.",
                            "窗口数与每日人·小时：灰点为解析筛选的候选方案，彩色点为经优化的方案（颜色为仿真平均等候），"
                            "星号为推荐布局。"),
    "layout.screen_table": ("Best layouts of the screen", "解析筛选的最优布局"),
    # -- the web app --------------------------------------------------------------------------
    "app.title": ("servicehall: what-if for hall managers", "政务服务大厅 · 排班推演"),
    "app.lang": ("中文", "English"),
    "app.open": ("Open hall", "打开大厅"),
    "app.upload": ("Upload scenario YAML", "上传方案 YAML"),
    "app.upload_limit": ("at most {kib} KiB", "不超过 {kib} KiB"),
    "app.loaded": ("Loaded {name}", "已打开 {name}"),
    "app.errors": ("The scenario has {n} problem(s):", "方案有 {n} 处问题："),
    "app.run": ("Run", "运行"),
    "app.cancel": ("Cancel", "取消"),
    "app.cancelled": ("Cancelled", "已取消"),
    "app.running": ("Simulating {done}/{total} days", "正在模拟 {done}/{total} 天"),
    "app.done": ("Done in {seconds:.1f} s", "完成，用时 {seconds:.1f} 秒"),
    "app.optimized": ("Optimized in {seconds:.1f} s", "优化完成，用时 {seconds:.1f} 秒"),
    "app.failed": ("Failed: {message}", "失败：{message}"),
    "app.days": ("days", "模拟天数"),
    "app.seed": ("seed", "随机种子"),
    "app.stale": ("The staffing changed since this run: run again to see its effect.",
                  "排班在本次运行后有改动：请重新运行查看效果。"),
    "app.no_results": ("No run yet: press Run.", "尚未运行：请点击“运行”。"),
    "app.no_hall": ("Open a bundled hall or upload a scenario file (top bar).", "请在顶栏打开内置大厅或上传方案文件。"),
    "tab.hall": ("Hall", "大厅总览"),
    "tab.staffing": ("Staffing", "排班"),
    "tab.results": ("KPIs", "指标热力图"),
    "tab.compare": ("Compare", "方案对比"),
    "tab.optimize": ("Optimize", "优化排班"),
    "tab.replay": ("Replay", "一日回放"),
    "tab.export": ("Export", "导出"),
    "hall.floor": ("Floor {floor}", "{floor} 楼"),
    "hall.period": ("Time", "时段"),
    "hall.whole_day": ("whole day", "全天"),
    "hall.threshold": ("alarm at more than {n} waiting", "排队超过 {n} 人预警"),
    "hall.no_alarm": ("no alarm policy in this scenario", "本方案未设排队预警"),
    "hall.windows": ("{staff} of {windows} windows", "开 {staff}/{windows} 窗"),
    "hall.queue": ("queue {q}", "排队 {q}"),
    "hall.wait": ("wait {w} min", "等候 {w} 分"),
    "hall.alarm": ("ALARM", "预警"),
    "hall.legend.ok": ("wait under half the target", "等候低于目标一半"),
    "hall.legend.warn": ("wait under the target", "等候低于目标"),
    "hall.legend.bad": ("wait over the target", "等候超过目标"),
    "hall.legend.none": ("no run yet / no visitors", "尚未运行/无人到访"),
    "hall.summary": ("{visitors:,.0f} visitors a day · mean wait {wait:.1f} min · {sl:.0%} called within {t:g} min",
                     "每天约 {visitors:,.0f} 人 · 平均等候 {wait:.1f} 分钟 · {sl:.0%} 在 {t:g} 分钟内叫号"),
    "staff.help": ("Staff on duty per zone and half hour (at most the zone's windows). Click a cell and type, or "
                   "paste a block copied from a spreadsheet (tab-separated) at the selected cell; a block with the "
                   "grid's zone and half-hour headings (as Copy gives it) goes where its headings say.",
                   "各专区每半小时的在岗人数（不超过窗口数）。点击单元格输入，或在选中的单元格粘贴从电子表格复制的"
                   "数据块（制表符分隔）；带专区名和时段表头的数据块（“复制排班表”所得）按表头粘贴到对应位置。"),
    "staff.zone": ("zone", "专区"),
    "staff.windows": ("windows", "窗口"),
    "staff.hours": ("staff-hours", "人·小时"),
    "staff.total": ("total staff-hours: {h:.1f}", "合计人·小时：{h:.1f}"),
    "staff.pasted": ("Pasted {rows} × {cols} cells", "已粘贴 {rows} × {cols} 个单元格"),
    "staff.copy": ("Copy the grid (for a spreadsheet)", "复制排班表（可粘贴到电子表格）"),
    "staff.copied": ("Copied {rows} zones × {cols} half hours with their headings: paste them into a spreadsheet, "
                     "and back into any cell of the grid",
                     "已复制 {rows} 个专区 × {cols} 个时段（含表头）：可粘贴到电子表格，改好后粘贴回排班表任一单元格"),
    "staff.reset": ("Reset to the scenario", "恢复为方案原排班"),
    "staff.people": ("This hall is staffed by people with shifts: the grid shows their average staff per half hour, "
                     "and editing it replaces the shifts.",
                     "本大厅按人员班次排班：表中为每半小时的平均在岗人数，修改排班表将取代班次。"),
    "lunch.title": ("Lunch rule", "午休规则"),
    "lunch.help": ("Everyone in the zone takes one lunch of the given length between the two times, staggered in "
                   "waves so that at most k are off at once; the zone's full strength is its highest staff outside "
                   "the window. Applying the rule rewrites the grid inside the lunch window.",
                   "专区内每人在两个时刻之间午休一次，分批错峰，同一时刻最多 k 人离岗；专区满员人数取午休时段以外的"
                   "最高在岗人数。应用规则会改写午休时段内的排班。"),
    "lunch.zones": ("zones", "专区"),
    "lunch.all": ("all zones", "全部专区"),
    "lunch.from": ("from", "从"),
    "lunch.to": ("to", "到"),
    "lunch.max_off": ("at most off at once (k)", "同时最多离岗 (k)"),
    "lunch.minutes": ("lunch minutes", "午休分钟"),
    "lunch.apply": ("Apply lunch rule", "应用午休规则"),
    "lunch.applied": ("Lunch rule applied to {n} zone(s)", "已对 {n} 个专区应用午休规则"),
    "results.kpi": ("KPI", "指标"),
    "results.scale": ("colour: from the lowest to the highest value ({max}); grey: no visitors",
                      "颜色：由低到高（最高 {max}）；灰色：无人到访"),
    "results.help": ("Each cell: mean over the simulated days for visitors arriving in that half hour; hover or "
                     "click it for its 95% interval.",
                     "每格为该半小时到达群众在各模拟日的均值；悬停或点击格子查看其 95% 区间。"),
    "results.cell_hint": ("Hover or click a cell: its mean and 95% interval show here.",
                          "悬停或点击格子：在此显示其均值与 95% 区间。"),
    "results.zone_table": ("Per zone (mean ± 95% half-width)", "各专区（均值 ± 95% 区间半宽）"),
    "results.run_info": ("{name}: {replications} days, seed {seed}", "{name}：{replications} 天，随机种子 {seed}"),
    "compare.set_baseline": ("Save this run as the baseline", "将本次运行设为基线"),
    "compare.baseline": ("Baseline: {name}, saved {when}", "基线：{name}，保存于 {when}"),
    "compare.no_baseline": ("No baseline yet: the first run of a hall becomes its baseline; save another at any time.",
                            "尚无基线：打开大厅后的第一次运行自动作为基线，也可随时另存。"),
    "compare.need_run": ("Run the changed staffing to compare it with the baseline.",
                         "请先运行修改后的排班，再与基线对比。"),
    "compare.mismatch": ("The baseline was run with other days or seed ({a}); run again with the same to compare.",
                         "基线使用了不同的天数或种子（{a}），请用相同设置重新运行后再对比。"),
    "compare.help": ("Paired differences (this run − baseline) with 95% intervals; both runs saw the same visitors "
                     "(same seed, common random numbers). Green: better for visitors; red: worse; plain: the "
                     "interval includes zero.",
                     "配对差值（本次 − 基线）及 95% 区间；两次运行面对同一批群众（同一种子，共同随机数）。"
                     "绿色：对群众更好；红色：更差；无色：区间包含零。"),
    "compare.changed": ("Staffing changes: {n} zone-periods, {h:+.1f} staff-hours", "排班改动：{n} 个专区时段，"
                        "{h:+.1f} 人·小时"),
    "opt.target": ("target", "目标"),
    "opt.method": ("method", "方法"),
    "opt.replications": ("days per check", "每次校验天数"),
    "opt.run": ("Optimize", "开始优化"),
    "opt.help": ("The cheapest staffing found that meets the target in every zone and half hour, e.g. "
                 "wait<=15@80% (80% called within 15 minutes). sipp, mol and lag start from queueing formulas "
                 "(fast); calibrated corrects exact zone models by a few simulations; simulation searches by "
                 "simulating (slow). Every plan is checked by simulation on fresh days.",
                 "求满足每个专区、每个半小时目标的最省排班，例如 wait<=15@80%（80% 的群众 15 分钟内叫号）。"
                 "sipp、mol、lag 从排队公式出发（快）；calibrated 用少量仿真校准各专区的精确模型；simulation "
                 "靠仿真搜索（慢）；所有方案都在新一批模拟日上经仿真校验。"),
    "opt.m.sipp": ("sipp: queueing formula per half hour (fast)", "sipp：分时段排队公式（快）"),
    "opt.m.mol": ("mol: formula on the modified offered load (fast)", "mol：修正负荷排队公式（快）"),
    "opt.m.lag": ("lag: formula with the load lagged by a service time (fast)", "lag：负荷滞后一个办理时长的排队公式（快）"),
    "opt.m.calibrated": ("calibrated: exact models calibrated by simulation", "calibrated：经仿真校准的精确模型"),
    "opt.m.simulation": ("simulation: search by simulating (slow)", "simulation：仿真搜索（慢）"),
    "opt.result": ("Plan: {hours:.1f} staff-hours (now {now:.1f}); {met} zone-periods met, {borderline} borderline, "
                   "{missed} missed",
                   "方案：{hours:.1f} 人·小时（现为 {now:.1f}）；达标 {met} 个专区时段，临界 {borderline}，"
                   "未达标 {missed}"),
    "opt.accept": ("Accept this plan into the grid", "采用此方案到排班表"),
    "opt.accepted": ("Plan accepted: run to see its effect.", "已采用方案：请运行查看效果。"),
    "replay.play": ("Play", "播放"),
    "replay.pause": ("Pause", "暂停"),
    "replay.speed": ("speed", "速度"),
    "replay.per_second": ("{n} min/s", "{n} 分钟/秒"),
    "replay.day": ("day", "模拟日"),
    "replay.export": ("Download as offline HTML", "下载离线 HTML"),
    "replay.waiting": ("waiting", "排队"),
    "replay.served": ("served", "已办"),
    "replay.moves": ("Staff moves", "人员调配"),
    "replay.move": ("{time} {from} → {to}", "{time} {from} → {to}"),
    "replay.return": ("{time} {from} → {to} (back)", "{time} {from} → {to}（返回）"),
    "replay.legend": ("open window (busy / idle) · closed window · people waiting; red: queue over the alarm "
                      "threshold",
                      "开放窗口（办理中/空闲）· 关闭窗口 · 排队人数；红色：排队超过预警线"),
    "replay.title": ("{name}: one simulated day", "{name}：模拟一日回放"),
    "export.scenario": ("Scenario (YAML)", "方案（YAML）"),
    "export.staffing": ("Staffing (CSV: zone,start,staff)", "排班（CSV：zone,start,staff）"),
    "export.report": ("Report (HTML)", "报告（HTML）"),
    "export.replay": ("Replay of one day (offline HTML)", "一日回放（离线 HTML）"),
    "export.help": ("Files are made from the current grid; the report and replay from the last run.",
                    "文件按当前排班生成；报告与回放取自最近一次运行。"),
    "err.no_results": ("no run yet: run the hall first", "尚未运行：请先运行"),
    "err.busy": ("a job is already running", "已有任务在运行"),
    "err.invalid": ("invalid input", "输入有误"),
    "err.too_large": ("the file is larger than {kib} KiB", "文件超过 {kib} KiB"),
    "err.no_plan": ("no optimized plan yet", "尚无优化方案"),
}


# KPI headers and meanings in Chinese; the English ones are the registry's (``sim.kpis``).
# In a header, ``{t:g}`` is the target wait in minutes.
KPI_ZH: dict[str, tuple[str, str]] = {
    "visitors": ("到访人数/天", "到厅人数（经导办台再到专区的群众只计一次），每天"),
    "visits": ("排队人次/天", "加入队列的人次（经导办台再到专区的群众计两次），每天"),
    "served": ("办结人次/天", "办结人次，每天"),
    "abandoned": ("放弃人次/天", "叫号前离开队列的人次，每天"),
    "balked": ("满队离开/天", "因排队已达上限而立即离开的人次，每天"),
    "mean_wait": ("平均等候(分钟)", "排队人次的平均等候（放弃者计到离开为止），分钟"),
    "p50_wait": ("等候中位数(分钟)", "等候时间中位数，分钟"),
    "p90_wait": ("90%分位等候(分钟)", "等候时间 90% 分位数，分钟"),
    "p95_wait": ("95%分位等候(分钟)", "等候时间 95% 分位数，分钟"),
    "max_wait": ("最长等候(分钟)", "当日最长等候，分钟"),
    "service_level": ("{t:g}分钟内叫号", "排队人次（办结或放弃）中在目标等候时间内被叫号的比例"),
    "abandonment_rate": ("放弃率", "放弃人次 / 排队人次"),
    "balk_rate": ("满队离开率", "满队离开人次 / 排队人次"),
    "utilization": ("窗口利用率", "窗口办理时间 / 窗口在岗时间（含延时服务）"),
    "mean_queue": ("平均排队人数", "开放时间内的时间平均排队人数"),
    "max_queue": ("最长排队", "同一时刻最多排队人数"),
    "overtime": ("延时服务(分钟)", "闭厅后到最后一位群众办完的分钟数"),
    "return_visits": ("二次跑腿/天", "需另日再来的次数（材料不全、后台办理），每天"),
    "moves": ("预警调配人次/天", "预警时调配的人次，每天（按专区：调入该专区）"),
}


def check_lang(lang: str | None) -> str:
    """*lang* when it is a known language, else the default (``en``)."""
    return lang if lang in LANGS else DEFAULT_LANG


def t(key: str, lang: str = DEFAULT_LANG, **fields) -> str:
    """The message *key* in *lang* (``en`` or ``zh``) with its ``{fields}`` filled.

    Raises KeyError for an unknown key (a typo should fail a test, not show a key).
    """
    en, zh = MESSAGES[key]
    text = zh if check_lang(lang) == "zh" else en
    return text.format(**fields) if fields else text


RULES = ("arrivals", "queues", "staff", "closing", "abandonment", "balking", "day_variation", "itineraries",
         "replications", "random")
"""The model's rules, in the order the report lists them (``report.rule.NAME`` and ``.text``)."""


def model_rules(lang: str = DEFAULT_LANG) -> list[tuple[str, str]]:
    """``(title, text)`` of each rule of the model, in *lang*."""
    return [(t(f"report.rule.{r}", lang), t(f"report.rule.{r}.text", lang)) for r in RULES]


def catalog(lang: str) -> dict[str, object]:
    """Every message in *lang*, unformatted, with ``kpi.NAME`` for each KPI's header (for the
    web app's JavaScript, which fills ``{t:g}`` with the target wait)."""
    from .kpis import REGISTRY

    zh = check_lang(lang) == "zh"
    out: dict[str, object] = {key: pair[1 if zh else 0] for key, pair in MESSAGES.items()}
    for name, k in REGISTRY.items():
        out[f"kpi.{name}"] = KPI_ZH[name][0] if zh else k.title("{t:g} min")
    return out


def kpi_label(name: str, lang: str = DEFAULT_LANG, target: float = 15.0) -> str:
    """The column header of KPI *name* in *lang* (``service_level`` names the target wait)."""
    if check_lang(lang) == "zh":
        return KPI_ZH[name][0].format(t=target)
    from .kpis import kpi

    return kpi(name).title(target)


def kpi_help(name: str, lang: str = DEFAULT_LANG) -> str:
    """What KPI *name* means, in *lang*."""
    if check_lang(lang) == "zh":
        return KPI_ZH[name][1]
    from .kpis import kpi

    return kpi(name).help


# -- input problems in Chinese ---------------------------------------------------------------
# The validation layer words each problem in English from a small vocabulary (sim/scenario/errors.py,
# the mechanics' checks); these patterns give the Chinese for the common ones. Values found
# (``got ...``), ids and field paths are kept as written. A message no pattern matches stays English.
_GOT = r"(?P<got>.+)"
PROBLEMS_ZH: tuple[tuple[str, str], ...] = (
    (r"required field missing", "缺少必填字段"),
    (rf"must be > (?P<v>[^,]+), got {_GOT}", "必须大于 {v}，实际为 {got}"),
    (rf"must be >= (?P<v>[^,]+), got {_GOT}", "必须大于或等于 {v}，实际为 {got}"),
    (rf"must be < (?P<v>[^,]+), got {_GOT}", "必须小于 {v}，实际为 {got}"),
    (rf"must be <= (?P<v>[^,]+), got {_GOT}", "必须小于或等于 {v}，实际为 {got}"),
    (rf"must be a whole number >= (?P<v>[^,]+), got {_GOT}", "必须是大于或等于 {v} 的整数，实际为 {got}"),
    (rf"must be a whole number, got {_GOT}", "必须是整数，实际为 {got}"),
    (rf"must be a whole number or a list of them \(one per period\), got {_GOT}",
     "必须是整数，或每个时段一个整数的列表，实际为 {got}"),
    (rf"must be a number, got {_GOT}", "必须是数字，实际为 {got}"),
    (rf"must be a finite number, got {_GOT}", "必须是有限的数字，实际为 {got}"),
    (rf"must be true or false, got {_GOT}", "必须是 true 或 false，实际为 {got}"),
    (rf"must be text, got {_GOT}", "必须是文本，实际为 {got}"),
    (rf"must be a list, got {_GOT}", "必须是列表，实际为 {got}"),
    (rf"must be a mapping of keys to values, got {_GOT}", "必须是“键: 值”的映射，实际为 {got}"),
    (rf"must have at least (?P<n>\d+) item\(s\), got {_GOT}", "至少需要 {n} 项，实际为 {got}"),
    (rf"must be an id of letters, digits, '_' or '-', got {_GOT}", "标识只能由字母、数字、“_”或“-”组成，实际为 {got}"),
    (rf"unknown key \(did you mean '(?P<m>[^']+)'\?\), got {_GOT}", "未知的键 {got}（是否想写 '{m}'？）"),
    (rf"unknown key, got {_GOT}", "未知的键 {got}"),
    (rf"key not allowed here, got {_GOT}", "此处不允许该键：{got}"),
    (r"unknown zone (?P<z>'[^']*'); known zones: (?P<known>.*)", "未知专区 {z}；已有专区：{known}"),
    (r"unknown zone; known zones: (?P<known>.*)", "未知专区；已有专区：{known}"),
    (r"unknown service (?P<s>'[^']*')(?P<rest>.*)", "未知事项 {s}{rest}"),
    (r"zone (?P<z>'[^']*') has no windows", "专区 {z} 没有窗口"),
    (r"zone has no windows", "该专区没有窗口"),
    (r"duplicate id (?P<i>'[^']*') \(also (?P<other>[^)]+)\)", "标识 {i} 重复（另见 {other}）"),
    (rf"exceeds the zone's (?P<n>\d+) windows, got {_GOT}", "超过该专区的 {n} 个窗口，实际为 {got}"),
    (rf"exceeds zone (?P<z>'[^']*')'s (?P<n>\d+) windows, got {_GOT}", "超过专区 {z} 的 {n} 个窗口，实际为 {got}"),
    (r"needs (?P<n>\d+) values, one per period", "需要 {n} 个值，每个时段一个"),
    (rf"needs one value per period \((?P<n>\d+) periods of (?P<m>\d+) min\), got {_GOT}",
     "需要每个时段一个值（共 {n} 个 {m} 分钟时段），实际为 {got} 个"),
    (rf"exceeds the zone's (?P<n>\d+) windows at (?P<at>[\d:]+), got {_GOT}", "{at} 超过该专区的 {n} 个窗口，实际为 {got}"),
    # reading the file (sim/yamlio.py) and clock times (sim/clock.py)
    (r"malformed YAML at line (?P<l>\d+), column (?P<c>\d+): (?P<detail>.*)", "YAML 格式错误（第 {l} 行第 {c} 列）：{detail}"),
    (r"malformed YAML: (?P<detail>.*)", "YAML 格式错误：{detail}"),
    (r"file is empty", "文件为空"),
    (rf"is not a time of day, got {_GOT}", "不是有效的时刻，实际为 {got}"),
    (rf'must be a clock time "HH:MM" in quotes, got {_GOT}', '必须是加引号的 "HH:MM" 时刻，实际为 {got}'),
    (rf'must be a clock time "HH:MM", got {_GOT}', '必须是 "HH:MM" 格式的时刻，实际为 {got}'),
    # arrivals and distributions (sim/fields.py, sim/scenario/errors.py)
    (r"per_day and profile go together", "per_day 与 profile 须同时给出"),
    (r"give exactly one of rate_per_hour, rates_per_hour, or per_day with profile",
     "rate_per_hour、rates_per_hour、per_day（配 profile）三者须给出且只给出一种"),
    (r"(?P<subject>profile )?must have a positive sum", "{subject}之和必须为正"),
    (r"unknown distribution (?P<d>.+); expected one of (?P<opts>.+)", "未知分布 {d}；可选：{opts}"),
    (r"needs 'dist:' naming the distribution, one of (?P<opts>.+)", "需用 'dist:' 指明分布，可选：{opts}"),
    # the web app's own checks (webapp/): uploads, the grid, the lunch rule, a run's and the optimizer's settings
    (r"the file is larger than (?P<k>\d+) KiB", "文件超过 {k} KiB"),
    (r"the file is not UTF-8 text", "文件不是 UTF-8 编码的文本"),
    (r"not supported in an upload: upload the complete scenario \(bundled halls can be opened directly\)",
     "上传的方案不能使用 extends：请上传完整方案（内置大厅可直接打开）"),
    (r"must map zone ids to lists of staff per period", "必须是“专区标识: 各时段在岗人数列表”的映射"),
    (r"unknown zone (?P<z>'[^']*')", "未知专区 {z}"),
    (rf"must be a positive multiple of the (?P<m>\d+)-minute period, got {_GOT}",
     "必须是 {m} 分钟时段的正整数倍，实际为 {got}"),
    (rf"must be a period boundary from (?P<a>[\d:]+) to (?P<b>[\d:]+), got {_GOT}",
     "必须是 {a} 到 {b} 之间的时段分界，实际为 {got}"),
    (rf"must be after the start (?P<a>[\d:]+), got {_GOT}", "必须晚于开始时间 {a}，实际为 {got}"),
    (r"a (?P<m>\d+)-minute lunch does not fit between (?P<a>[\d:]+) and (?P<b>[\d:]+)",
     "{a} 到 {b} 之间放不下 {m} 分钟的午休"),
    (r"(?P<n>\d+) staff with (?P<m>\d+)-minute lunches between (?P<a>[\d:]+) and (?P<b>[\d:]+) need at least "
     r"(?P<k>\d+) off at once, but at most (?P<j>\d+) may be",
     "{n} 名人员在 {a} 到 {b} 之间各休 {m} 分钟午休，同时至少 {k} 人离岗，但最多只允许 {j} 人"),
    (rf"must be a whole number from (?P<a>-?\d+) to (?P<b>\d+), got {_GOT}", "必须是 {a} 到 {b} 之间的整数，实际为 {got}"),
    (rf"must be one of (?P<opts>[^,]+(?:, [^,]+)*), got {_GOT}", "必须是以下之一：{opts}，实际为 {got}"),
    # optimizer targets (optimize/targets.py)
    (rf"target must look like (?P<forms>.+), got {_GOT}", "目标的格式应为 {forms}，实际为 {got}"),
    (r"target (?P<x>'[^']*'): a wait target needs the share that must meet it, e\.g\. (?P<e>'[^']*')",
     "目标 {x}：等候目标须写明须达到的比例，例如 {e}"),
    (rf"target (?P<x>'[^']*'): percentage must be in (?P<b>\S+ \S+), got {_GOT}", "目标 {x}：百分比须在 {b} 之内，实际为 {got}"),
    (r"target (?P<x>'[^']*'): a fraction without '%' must be <= 1, got (?P<n>[^;]+); write (?P<w>\S+) for a "
     r"percentage", "目标 {x}：不带 '%' 的比例须不大于 1，实际为 {n}；百分比请写作 {w}"),
    (r"give at least one target", "请至少给出一个目标"),
    (rf"must be (?P<what>.+), got {_GOT}", "必须为 {what}，实际为 {got}"),
    (r"unknown text encoding: .*", "无法识别文件的文本编码（已尝试 UTF-8、带字节序标记的 UTF-16、GB18030/GBK）；"
                                   "请另存为 UTF-8（Excel：“CSV UTF-8”）"),
    (r"binary data \(NUL bytes\), expected text", "是二进制数据（含 NUL 字节），应为文本文件"),
)


def _translated(text: str, patterns, lang: str) -> str:
    """*text* through the first of *patterns* (regex, template) that matches it whole, in *lang*."""
    import re

    if check_lang(lang) != "zh":
        return text
    for pattern, template in patterns:
        match = re.fullmatch(pattern, text, flags=re.DOTALL)
        if match:
            fields = {k: "" if v is None else v for k, v in match.groupdict().items()}   # optional groups
            if "what" in fields:  # the alternatives of a union: 'all' or a list
                fields["what"] = " 或 ".join(_ALTERNATIVES_ZH.get(w, w) for w in fields["what"].split(" or "))
            for word in ("action", "status", "verdict"):    # the optimizer's words (PROGRESS_ZH)
                if word in fields:
                    fields[word] = _PROGRESS_WORDS_ZH.get(fields[word], fields[word])
            return template.format(**fields)
    return text


def problem_text(message: str, lang: str = DEFAULT_LANG) -> str:
    """An input problem's *message* (English, as the validation layer words it) in *lang*:
    Chinese for the common wordings (:data:`PROBLEMS_ZH`), else the English unchanged."""
    return _translated(message, PROBLEMS_ZH, lang)


# -- the optimizer's progress lines in Chinese ------------------------------------------------
# Worded in optimize/optimizer.py (one line per simulation, search step, loop step, descent step and
# the verification); the numbers are kept as printed.
_N = r"\s*(?P<{}>[-\d.]+)"
PROGRESS_ZH: tuple[tuple[str, str], ...] = (
    (r"simulation" + _N.format("i") + r": cost" + _N.format("cost") + r" \(" + _N.format("on") +
     r" staff-h on duty\), (?P<below>\d+) zone-periods below target in the simulation, "
     r"(?P<exp>[-\d.]+) expected true misses",
     "第 {i} 次仿真：成本 {cost}（在岗 {on} 人时），仿真中 {below} 个专区时段低于目标，预计真正未达标 {exp} 个"),
    (r"verification on fresh days: (?P<met>\d+) zone-periods met, (?P<b>\d+) borderline, (?P<m>\d+) missed, "
     r"(?P<e>\d+) exempt",
     "新一批模拟日上的核验：{met} 个专区时段达标，{b} 个临界，{m} 个未达标，{e} 个免评"),
    (r"search" + _N.format("i") + r": (?P<action>\S+)\s+" + _N.format("h") + r" staff-h, (?P<f>\d+) failing, "
     r"(?P<l>\d+) lowered, (?P<u>\d+) undone, (?P<r>\d+) raised",
     "搜索 {i}：{action}，{h} 人时，{f} 个未达标，{l} 个下调，{u} 个撤回，{r} 个上调"),
    (r"loop" + _N.format("i") + r": " + _N.format("h") + r" paid h, cost (?P<cost>[-\d.]+), (?P<f>\d+) failing, "
     r"(?P<r>\d+) raised (?P<status>.*)",
     "闭环 {i}：计薪 {h} 小时，成本 {cost}，{f} 个未达标，{r} 个上调 {status}"),
    (r"adaptive effort: (?P<close>\d+) close zone-periods simulated one staff lower \((?P<p>\d+) probe simulations\), "
     r"(?P<low>\d+) lowered; cost" + _N.format("cost") + r" \(" + _N.format("on") + r" staff-h on duty\), "
     r"(?P<exp>[-\d.]+) expected true misses",
     "自适应加测：{close} 个临界专区时段少一人再仿真（{p} 次探测仿真），{low} 个下调；成本 {cost}（在岗 {on} 人时），"
     "预计真正未达标 {exp} 个"),
    (r"zone roster masters: cost" + _N.format("cost") + r" \(" + _N.format("on") + r" staff-h on duty\), "
     r"(?P<p>\d+) of (?P<z>\d+) zones proven optimal, (?P<exp>[-\d.]+) expected true misses; "
     r"simulated: (?P<below>\d+) zone-periods below target",
     "各专区排班主问题：成本 {cost}（在岗 {on} 人时），{z} 个专区中 {p} 个已证明最优，预计真正未达标 {exp} 个；"
     "仿真后：{below} 个专区时段低于目标"),
    (r"zone roster masters: cost" + _N.format("cost") + r" \(" + _N.format("on") + r" staff-h on duty\), "
     r"(?P<p>\d+) of (?P<z>\d+) zones proven optimal, (?P<exp>[-\d.]+) expected true misses",
     "各专区排班主问题：成本 {cost}（在岗 {on} 人时），{z} 个专区中 {p} 个已证明最优，预计真正未达标 {exp} 个"),
    (r"descent" + _N.format("i") + r": (?P<l>\d+) lowered, cost (?P<cost>[-\d.]+), (?P<f>\d+) failing, "
     r"(?P<r>\d+) restored, (?P<verdict>accepted|rejected)",
     "降本 {i}：下调 {l} 个专区时段，成本 {cost}，{f} 个未达标，恢复 {r} 个，{verdict}"),
    (r"descent" + _N.format("i") + r": (?P<l>\d+) lowered, cost (?P<cost>[-\d.]+), not simulated \(not cheaper\), "
     r"(?P<r>\d+) restored, (?P<verdict>accepted|rejected)",
     "降本 {i}：下调 {l} 个专区时段，成本 {cost}，未更便宜故未仿真，恢复 {r} 个，{verdict}"),
)
# The words inside those lines: the search's step, the roster's solver status, the descent's verdict.
_PROGRESS_WORDS_ZH = {"evaluate": "评估", "lower": "下调", "optimal": "最优", "feasible": "可行",
                      "infeasible": "不可行", "unbounded": "无界", "not solved": "未求解",
                      "accepted": "采纳", "rejected": "不采纳"}


def progress_text(line: str, lang: str = DEFAULT_LANG) -> str:
    """One of the optimizer's progress *line* (English) in *lang*: Chinese for the lines
    of :data:`PROGRESS_ZH`, else the English unchanged."""
    return _translated(line, PROGRESS_ZH, lang)


def problem_rows(problems) -> list[list[str]]:
    """``[[field path, message, message in Chinese], ...]`` of ``(path, message)`` pairs, for pages
    that show the problems in either language."""
    return [[str(p), str(m), problem_text(str(m), "zh")] for p, m in problems]


_ALTERNATIVES_ZH = {"a whole number": "整数", "a number": "数字", "text": "文本", "a list": "列表",
                    "a mapping": "映射", "true": "true", "false": "false"}


__all__ = ["DEFAULT_LANG", "KPI_ZH", "LANGS", "MESSAGES", "RULES", "catalog", "check_lang", "kpi_help", "kpi_label",
           "model_rules", "problem_rows", "problem_text", "progress_text", "t"]

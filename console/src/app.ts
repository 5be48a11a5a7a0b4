import "uplot/dist/uPlot.min.css"; import "./style.css"; document.getElementById("main")!.append("hello");

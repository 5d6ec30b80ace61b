package io.hourglass.common.sizer;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.File;
import java.io.IOException;
import java.util.Map;
import java.util.SortedMap;
import javax.imageio.ImageIO;

/** Predicted runtime vs executors as a PNG (Java2D, headless): the curve, the deadline line, the chosen size. */
public final class PngChart {
  private PngChart() {}

  public static void write(SortedMap<Integer, Double> curve, double deadlineSeconds, int chosen, String title, File out)
      throws IOException {
    if (curve.isEmpty()) {
      throw new IllegalArgumentException("A chart needs at least one point, cannot be: empty curve");
    }
    System.setProperty("java.awt.headless", "true");
    int w = 900;
    int h = 520;
    int left = 80;
    int right = 30;
    int top = 50;
    int bottom = 60;
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, w, h);
    double maxY = Math.max(deadlineSeconds * 1.25, 1);
    for (double v : curve.values()) {
      maxY = Math.max(maxY, Math.min(v, deadlineSeconds * 4));
    }
    int minX = curve.firstKey();
    int maxX = Math.max(curve.lastKey(), minX + 1);
    double yTop = maxY;
    java.util.function.IntUnaryOperator px = x -> left + (int) ((double) (x - minX) / (maxX - minX) * (w - left - right));
    java.util.function.DoubleToIntFunction py = y -> h - bottom - (int) (Math.min(y, yTop) / yTop * (h - top - bottom));

    g.setColor(Color.BLACK);
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
    g.drawString(title, left, 30);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
    g.drawLine(left, h - bottom, w - right, h - bottom);
    g.drawLine(left, top, left, h - bottom);
    g.drawString("executors", w / 2 - 30, h - 20);
    g.drawString("predicted minutes", 5, top - 10);
    for (int i = 0; i <= 5; i++) {
      double y = yTop * i / 5;
      int yy = py.applyAsInt(y);
      g.setColor(new Color(230, 230, 230));
      g.drawLine(left + 1, yy, w - right, yy);
      g.setColor(Color.BLACK);
      g.drawString(String.format("%.0f", y / 60), left - 35, yy + 4);
    }
    int step = Math.max(1, (maxX - minX) / 10);
    for (int x = minX; x <= maxX; x += step) {
      g.drawString(String.valueOf(x), px.applyAsInt(x) - 5, h - bottom + 18);
    }
    g.setColor(new Color(200, 30, 30));
    g.setStroke(new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {8f, 6f}, 0f));
    int dy = py.applyAsInt(deadlineSeconds);
    g.drawLine(left, dy, w - right, dy);
    g.drawString(String.format("deadline %.0f min", deadlineSeconds / 60), w - right - 130, dy - 6);
    g.setColor(new Color(30, 90, 200));
    g.setStroke(new BasicStroke(2.5f));
    Integer prevX = null;
    int prevY = 0;
    for (Map.Entry<Integer, Double> e : curve.entrySet()) {
      int x = px.applyAsInt(e.getKey());
      int y = py.applyAsInt(e.getValue());
      if (prevX != null) {
        g.drawLine(prevX, prevY, x, y);
      }
      prevX = x;
      prevY = y;
    }
    if (curve.containsKey(chosen)) {
      g.setColor(new Color(20, 140, 60));
      int x = px.applyAsInt(chosen);
      int y = py.applyAsInt(curve.get(chosen));
      g.fillOval(x - 6, y - 6, 12, 12);
      g.drawString("chosen: " + chosen, x + 10, y - 10);
    }
    g.dispose();
    if (!ImageIO.write(img, "png", out)) {
      throw new IOException("no PNG writer available");
    }
  }
}
